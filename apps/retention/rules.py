"""The clock rules of SPEC §3, each a registered function run by `runner.run_rule`.

Every rule selects by the state of the data, works in committed batches and is safe to
run twice (R-RET-1). HR retention (R-RET-5) and request reminders (R-DSR-2) add their
own functions the same way.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction

from apps.assignments.models import ProcessorAgreement, ProcessorAgreementAcceptance
from apps.audit.models import AccessLogEntry
from apps.core.sqlarrays import UUIDArray
from apps.privacy.models import DataSubjectRequest
from apps.prospects.models import Company, Lease, Person
from apps.prospects.services import DeletionReason, persons_delete
from apps.retention import clock
from apps.retention.holds import exclude_held
from apps.retention.models import JobRun, JobStatus, NoticeKind, VerificationFlag
from apps.retention.runner import RuleContext, keyset_batches, retention_rule
from apps.retention.services import notices_add, notices_email


@retention_rule("lease_expiry", deletes=())
def lease_expiry(ctx: RuleContext) -> None:
    """Expired leases are removed (R-NTK-2): an expired lease is powerless already; this tidies the queue."""
    expired = Lease.objects.filter(expires_at__lte=ctx.now)
    for ids in keyset_batches(expired, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["leases_to_remove"] += len(ids)
            continue
        with transaction.atomic():
            deleted, _ = Lease.objects.filter(pk__in=ids, expires_at__lte=ctx.now).delete()
        ctx.counts["leases_removed"] += deleted
        ctx.batch_done()


@retention_rule("person_purge", deletes=("prospects.person",))
def person_purge(ctx: RuleContext) -> None:
    """Persons not verified for 12 months are deleted everywhere (R-RET-3), through the single
    deletion path with an erasure-ledger entry each (R-DEL-1, R-DSR-4)."""
    cutoff = clock.purge_cutoff(ctx.now)
    due = exclude_held(ctx, Person.objects.filter(verified_at__lte=cutoff))
    for ids in keyset_batches(due, ctx.batch_size, "verified_at"):
        if ctx.dry_run:
            ctx.counts["persons_to_delete"] += len(ids)
            for pk in ids:
                ctx.report(f"delete person {pk}")
            continue
        with transaction.atomic():
            # Checked again under the lock: someone may have verified them meanwhile.
            with connection.cursor() as cursor:
                cursor.execute(
                    # OFFSET 0: look the batch up by primary key (see verification_flags).
                    """SELECT id FROM (SELECT id, verified_at FROM prospects_person WHERE id = ANY(%s)
                       FOR UPDATE OFFSET 0) p WHERE verified_at <= %s""",
                    [UUIDArray(ids), cutoff],
                )
                still_due = [row[0] for row in cursor.fetchall()]
            deleted = persons_delete(person_ids=still_due, reason=DeletionReason.PURGE)
        ctx.counts["persons_deleted"] += len(deleted)
        ctx.batch_done()


# Per kind: its plural for the counts, the model, the notice kind, and the SQL counting the
# newly announced records per assignment. (A separate statement with an array parameter: as
# a CTE over the INSERT, the planner cannot size it and may scan the link table whole.)
_FLAGGED = {
    "person": (
        "persons",
        Person,
        NoticeKind.PERSONS_TO_VERIFY,
        """SELECT p.assignment_id, count(DISTINCT pp.person_id) FROM prospects_prospectperson pp
           JOIN prospects_prospect p ON p.id = pp.prospect_id WHERE pp.person_id = ANY(%s) GROUP BY 1""",
    ),
    "company": (
        "companies",
        Company,
        NoticeKind.COMPANIES_TO_VERIFY,
        """SELECT assignment_id, count(*) FROM prospects_prospect WHERE company_id = ANY(%s) GROUP BY 1""",
    ),
}


@retention_rule("verification_flags", deletes=())
def verification_flags(ctx: RuleContext) -> None:
    """Companies and persons unverified for 6 months are flagged "verify" (R-RET-2); the agents
    and supervisors of the assignments holding them get a notice, in the app and by email.

    The flag itself is computed from `verified_at` wherever a record is shown; this job
    remembers which records it announced (VerificationFlag), so each record's due date is
    announced once, in the same transaction as the notice counts. A second run visits the
    due records again and announces nothing.
    """
    cutoff = clock.verify_cutoff(ctx.now)
    flags = VerificationFlag._meta.db_table
    for kind, (plural, model, notice_kind, per_assignment_sql) in _FLAGGED.items():
        # Every due record is visited; the INSERT below skips those already announced. (An
        # anti-join here would re-sort the growing flag table for every batch.)
        due = model.objects.filter(verified_at__lte=cutoff)
        # Persons past 12 months are the purge's, no longer to verify; companies are never purged.
        purge_cutoff = clock.purge_cutoff(ctx.now) if model is Person else None
        if purge_cutoff is not None:
            due = due.filter(verified_at__gt=purge_cutoff)
        for ids in keyset_batches(due, ctx.batch_size, "verified_at"):
            if ctx.dry_run:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"""SELECT count(*) FROM {model._meta.db_table} r WHERE r.id = ANY(%s) AND NOT EXISTS
                            (SELECT 1 FROM {flags} f WHERE f.{kind}_id = r.id AND f.verified_at = r.verified_at)""",  # noqa: S608
                        [UUIDArray(ids)],
                    )
                    ctx.counts[f"{plural}_to_flag"] += cursor.fetchone()[0]
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {flags} ({kind}_id, verified_at, flagged_at)
                    SELECT id, verified_at, %(now)s
                    -- OFFSET 0 fences the primary-key lookup: given the dates too, the planner
                    -- would scan the whole due range of the (verified_at, id) index per batch.
                    FROM (SELECT id, verified_at FROM {model._meta.db_table} WHERE id = ANY(%(ids)s) OFFSET 0) r
                    WHERE verified_at <= %(cutoff)s
                      AND (%(purge_cutoff)s::timestamptz IS NULL OR verified_at > %(purge_cutoff)s)
                    ON CONFLICT ({kind}_id) DO UPDATE
                      SET verified_at = EXCLUDED.verified_at, flagged_at = EXCLUDED.flagged_at
                      WHERE {flags}.verified_at IS DISTINCT FROM EXCLUDED.verified_at
                    RETURNING {kind}_id
                    """,  # noqa: S608 (names from the models, values as parameters)
                    {"now": ctx.now, "ids": UUIDArray(ids), "cutoff": cutoff, "purge_cutoff": purge_cutoff},
                )
                new_ids = [row[0] for row in cursor.fetchall()]
                flagged, per_assignment = len(new_ids), {}
                if new_ids:
                    cursor.execute(per_assignment_sql, [UUIDArray(new_ids)])
                    per_assignment = dict(cursor.fetchall())
                ctx.counts["notices_added"] += notices_add(kind=notice_kind, counts=per_assignment, now=ctx.now)
            ctx.counts[f"{plural}_flagged"] += flagged
            ctx.batch_done()
    if ctx.dry_run:
        return
    ctx.counts["notice_emails_sent"] += notices_email(now=ctx.now)


@retention_rule("job_run_prune", deletes=())
def job_run_prune(ctx: RuleContext) -> None:
    """Records of finished clock-rule runs older than JOB_RUN_KEEP_DAYS are removed: they hold
    counts only, and the lease rule alone adds one every five minutes (R-RET-1)."""
    cutoff = ctx.now - dt.timedelta(days=settings.LEADHUNTER_PERIODS["JOB_RUN_KEEP_DAYS"])
    old = JobRun.objects.filter(started_at__lt=cutoff).exclude(status=JobStatus.RUNNING)
    for ids in keyset_batches(old, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["job_runs_to_remove"] += len(ids)
            continue
        with transaction.atomic():
            deleted, _ = JobRun.objects.filter(pk__in=ids).delete()
        ctx.counts["job_runs_removed"] += deleted
        ctx.batch_done()


@retention_rule("ip_removal", deletes=())
def ip_removal(ctx: RuleContext) -> None:
    """IP addresses older than 4 weeks are removed (R-RET-6): from the access log (the append-only
    trigger allows exactly this), from accepted processor agreements, from data-subject requests and
    from the change log."""
    cutoff = clock.ip_cutoff(ctx.now)
    targets = (
        ("access_log", AccessLogEntry.objects.filter(at__lt=cutoff, ip_address__isnull=False), {"ip_address": None}),
        (
            "processor_agreements",
            ProcessorAgreement.objects.filter(accepted_at__lt=cutoff, accepted_ip__isnull=False),
            {"accepted_ip": None},
        ),
        (
            "processor_agreement_acceptances",
            ProcessorAgreementAcceptance.objects.filter(accepted_at__lt=cutoff, accepted_ip__isnull=False),
            {"accepted_ip": None},
        ),
        (
            # The requester's IP address on the public form (R-DSR-1), kept 4 weeks like the rest.
            "data_subject_requests",
            DataSubjectRequest.objects.filter(submitted_at__lt=cutoff, submitted_ip__isnull=False),
            {"submitted_ip": None},
        ),
        (
            "change_log",
            LogEntry.objects.filter(timestamp__lt=cutoff).exclude(remote_addr__isnull=True, remote_port__isnull=True),
            {"remote_addr": None, "remote_port": None},
        ),
    )
    for name, qs, cleared in targets:
        for ids in keyset_batches(qs, ctx.batch_size):
            if ctx.dry_run:
                ctx.counts[f"{name}_ips_to_remove"] += len(ids)
                continue
            with transaction.atomic():
                # QuerySet.update: no signals, so the change log gains no entry holding the old value.
                ctx.counts[f"{name}_ips_removed"] += qs.model.objects.filter(pk__in=ids).update(**cleared)
            ctx.batch_done()


# Session stores whose rows carry an expiry date this rule can select by (`--now` honoured).
_DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
    "apps.accounts.cached",  # cached_db, tolerant of Redis being away (issue 16)
)


@retention_rule("session_cleanup", deletes=())
def session_cleanup(ctx: RuleContext) -> None:
    """Expired sessions are removed daily, what `manage.py clearsessions` does (R-DEL-1,
    R-SEC-1): Django never deletes them itself, so every expired login stayed in
    django_session for ever, with whatever a view had put into it. The cache and cookie
    stores expire their own entries; another store gets its own `clear_expired`."""
    if settings.SESSION_ENGINE not in _DATABASE_SESSION_ENGINES:
        if not ctx.dry_run:
            import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return
    expired = Session.objects.filter(expire_date__lt=ctx.now)
    for ids in keyset_batches(expired, ctx.batch_size):
        if ctx.dry_run:
            ctx.counts["sessions_to_remove"] += len(ids)
            continue
        with transaction.atomic():
            deleted, _ = Session.objects.filter(pk__in=ids, expire_date__lt=ctx.now).delete()
        ctx.counts["sessions_removed"] += deleted
        ctx.batch_done()


@retention_rule("backup", deletes=(), in_default_run=False)
def backup(ctx: RuleContext) -> None:
    """A daily backup of the database, without the erasure ledger; backups older than 14 days are
    deleted (R-DEL-2, R-RET-4)."""
    from apps.retention.backup import backup_create, backups_prune

    if ctx.dry_run:
        ctx.report("write a new backup")
    else:
        path = backup_create(now=ctx.now)
        ctx.counts["backups_written"] += 1
        ctx.report(f"backup written: {path}")
    pruned = backups_prune(now=ctx.now, dry_run=ctx.dry_run)
    ctx.counts["backups_to_delete" if ctx.dry_run else "backups_deleted"] += len(pruned)
    for path in pruned:
        ctx.report(f"{'would delete' if ctx.dry_run else 'deleted'} old backup: {path.name}")
