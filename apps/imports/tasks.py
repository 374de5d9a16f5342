from __future__ import annotations

from celery import shared_task

from apps.imports import services


@shared_task(name="imports.run")
def import_run_task(job_id: str) -> None:
    """Run one confirmed import (R-IMP-2). Idempotent: a job already started is left alone."""
    services.import_run(job_id=job_id)


@shared_task(name="retention.upload_expiry")
def upload_expiry() -> int:
    """R-DEL-1: uploaded files are kept only until their import has finished; files of
    uploads whose mapping was never confirmed are deleted after IMPORT_UNCONFIRMED_KEEP_HOURS."""
    from apps.retention.runner import run_rule

    return run_rule("upload_expiry").pk
