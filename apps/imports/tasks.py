from __future__ import annotations

from celery import shared_task

from apps.imports import services


# Acknowledged after the run, and rejected back to the queue when the worker process is
# lost (R-JOB-1): the redelivered message finds the job "running" with no runner lock and
# runs it again, at most IMPORT_MAX_ATTEMPTS times (the broker counts no redeliveries). A
# whole worker killed leaves the message unacknowledged until the broker's visibility
# timeout; the watchdog below fails such a job long before.
@shared_task(name="imports.run", acks_late=True, reject_on_worker_lost=True)
def import_run_task(job_id: str) -> None:
    """Run one confirmed import (R-IMP-2). Idempotent: a job running or finished is left alone."""
    services.import_run(job_id=job_id)


@shared_task(name="retention.upload_expiry")
def upload_expiry() -> int:
    """R-DEL-1: uploaded files are kept only until their import has finished; files of
    uploads whose mapping was never confirmed are deleted after IMPORT_UNCONFIRMED_KEEP_HOURS."""
    from apps.retention.runner import run_rule

    return run_rule("upload_expiry").pk


@shared_task(name="imports.check", acks_late=True, reject_on_worker_lost=True)
def import_check_task(job_id: str) -> None:
    """Read an uploaded file through: caps, headers, row count (R-IMP-2). Idempotent."""
    services.import_job_check(job_id=job_id)


@shared_task(name="retention.import_watchdog")
def import_watchdog() -> int:
    """R-JOB-1: imports whose heartbeat is stale are failed (running; their file deleted) or
    queued again (queued, the broker was down)."""
    from apps.retention.runner import run_rule

    return run_rule("import_watchdog").pk
