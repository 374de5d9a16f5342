from __future__ import annotations

from celery import Task, shared_task

from apps.imports import services

# Acknowledged after the run, and rejected back to the queue when the worker process is
# lost (R-JOB-1): the redelivered message finds the job "running" with no runner lock and
# runs it again, at most IMPORT_MAX_ATTEMPTS times (the broker counts no redeliveries). If
# the dead worker's database session still holds the lock (PostgreSQL ends it within
# seconds), the task tries again shortly. A whole worker killed leaves the message
# unacknowledged until the broker's visibility timeout; the watchdog fails the job first.
_BUSY = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, "max_retries": 6}


@shared_task(name="imports.run", **_BUSY)
def import_run_task(self: Task, job_id: str) -> None:
    """Run one confirmed import (R-IMP-2). Idempotent: a job running or finished is left alone."""
    try:
        services.import_run(job_id=job_id, raise_if_busy=True)
    except services.RunnerBusy as exc:
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(name="retention.upload_expiry")
def upload_expiry() -> int:
    """R-DEL-1: uploaded files are kept only until their import has finished; files of
    uploads whose mapping was never confirmed are deleted after IMPORT_UNCONFIRMED_KEEP_HOURS."""
    from apps.retention.runner import run_rule

    return run_rule("upload_expiry").pk


@shared_task(name="imports.check", **_BUSY)
def import_check_task(self: Task, job_id: str) -> None:
    """Read an uploaded file through: caps, headers, row count (R-IMP-2). Idempotent."""
    try:
        services.import_job_check(job_id=job_id, raise_if_busy=True)
    except services.RunnerBusy as exc:
        raise self.retry(exc=exc, countdown=10) from exc


@shared_task(name="retention.import_watchdog")
def import_watchdog() -> int:
    """R-JOB-1: imports whose heartbeat is stale are failed (running; their file deleted) or
    queued again (queued, the broker was down)."""
    from apps.retention.runner import run_rule

    return run_rule("import_watchdog").pk
