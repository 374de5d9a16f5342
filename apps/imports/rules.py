"""The import's clock rule, run by the retention mechanism (R-RET-1): JobRun record,
advisory lock, dry run (`run_retention --rule upload_expiry --dry-run`)."""

from __future__ import annotations

from apps.imports.services import import_expire_unconfirmed, import_jobs_watch
from apps.retention.runner import RuleContext, retention_rule


@retention_rule("upload_expiry", deletes=())
def upload_expiry(ctx: RuleContext) -> None:
    """Files of uploads whose mapping was never confirmed are deleted (R-DEL-1)."""
    count = import_expire_unconfirmed(now=ctx.now, dry_run=ctx.dry_run)
    ctx.counts["upload_files_to_delete" if ctx.dry_run else "upload_files_deleted"] += count


@retention_rule("import_watchdog", deletes=())
def import_watchdog(ctx: RuleContext) -> None:
    """Stale imports: running ones failed and their files deleted, queued ones queued again (R-JOB-1)."""
    ctx.counts.update(import_jobs_watch(now=ctx.now, dry_run=ctx.dry_run))
