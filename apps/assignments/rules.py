"""The assignments' clock rule, run by the retention mechanism (R-RET-1): JobRun record,
advisory lock, dry run (`run_retention --rule assignment_end --dry-run`).

- assignment_end (R-NTK-3): an active assignment whose end date has passed is set
  inactive — its agents lose access at once — and its supervisors get a notice, in the
  app and by email. Selected by state (active, `ends_on` before today on the Amsterdam
  wall clock), so running it twice, or hourly, ends in the same state.
"""

from __future__ import annotations

from django.utils import timezone

from apps.assignments.models import Assignment
from apps.assignments.services import assignment_end as assignment_end_service
from apps.retention.runner import RuleContext, keyset_batches, retention_rule


@retention_rule("assignment_end", deletes=())
def assignment_end(ctx: RuleContext) -> None:
    """Active assignments past their end date are set inactive and their supervisors notified (R-NTK-3)."""
    due = Assignment.objects.filter(is_active=True, ends_on__lt=timezone.localdate(ctx.now))
    for ids in keyset_batches(due, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["assignments_to_end"] += len(ids)
            for pk in ids:
                ctx.report(f"end assignment {pk}")
            continue
        for assignment in Assignment.objects.filter(pk__in=ids).order_by("pk"):
            # One transaction per assignment: its revocation, notices and email go together.
            if assignment_end_service(assignment=assignment, now=ctx.now):
                ctx.counts["assignments_ended"] += 1
        ctx.batch_done()
