from __future__ import annotations

from celery import shared_task

from apps.imports import services


@shared_task(name="imports.run")
def import_run_task(job_id: str) -> None:
    """Run one confirmed import (R-IMP-2). Idempotent: a job already started is left alone."""
    services.import_run(job_id=job_id)


@shared_task(name="imports.expire_unconfirmed")
def import_expire_unconfirmed_task() -> int:
    """R-DEL-1: uploaded files are kept only until their import has finished; files of
    uploads whose mapping was never confirmed are deleted after IMPORT_UNCONFIRMED_KEEP_HOURS."""
    return services.import_expire_unconfirmed()
