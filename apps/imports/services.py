"""The import of a client's database into an assignment (SPEC §4 "Upload", R-IMP-1…6).

1. `import_job_create`: the file is checked before any parsing (`files.check_file`), read
   once for the caps, and its headers mapped (`mapping.detect`). Nothing is imported yet.
2. `import_job_confirm`: the client confirms or changes the mapping; the job is queued.
3. `import_run` (the Celery task): one transaction. Rows are normalised in Python, COPYed
   into a temporary staging table, and matched against the shared records in SQL, set-based
   (`pipeline.py`). Either the whole import lands with its report or nothing changes.
   The staging table dies with the transaction and the file is deleted afterwards, whatever
   the outcome (R-DEL-1).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from apps.accounts.models import Role
from apps.assignments.models import Assignment, ProcessorAgreement
from apps.core.enqueue import enqueue_on_commit
from apps.core.errors import ServiceError
from apps.core.private_files import private_delete, private_path, private_store
from apps.imports import mapping as mapping_rules
from apps.imports.files import FileRefused, check_file, scan_table
from apps.imports.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

UPLOAD_DIR = "imports"


def _store(upload: IO[bytes], suffix: str) -> tuple[str, Path, int]:
    # Writing stops past the size limit at once; check_file gives the message.
    relative, size = private_store(upload, UPLOAD_DIR, suffix=suffix, max_bytes=settings.IMPORT_MAX_BYTES)
    return relative, private_path(relative), size


def import_file_delete(*, job: ImportJob) -> None:
    """Delete the uploaded file of a job (R-DEL-1: kept only until its import has finished)."""
    private_delete(job.file_path)
    if job.file_path:
        ImportJob.objects.filter(pk=job.pk).update(file_path="")
        job.file_path = ""


def _require_uploader(assignment: Assignment, actor: Any) -> None:
    if getattr(actor, "role", None) not in (Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise ServiceError(_("Only the client and its supervisors can upload a database."))
    if not ProcessorAgreement.objects.filter(assignment=assignment, accepted_at__isnull=False).exists():
        raise ServiceError(_("Accept the processor agreement of this assignment before uploading data."))


def import_job_create(
    *, assignment: Assignment, actor: Any, upload: IO[bytes], filename: str, now: dt.datetime | None = None
) -> ImportJob:
    """Check and store an uploaded file and detect its column mapping (R-IMP-1, R-IMP-6).

    A refused file raises ServiceError with the reason; nothing is kept of it.
    """
    _require_uploader(assignment, actor)
    suffix = Path(filename or "").suffix.lower()
    relative, path, size = _store(upload, suffix if suffix in (".xlsx", ".csv") else ".bin")
    try:
        with open(path, "rb") as stored:
            head = stored.read(8192)
        file_format = check_file(filename or "", head, size, path)
        headers = scan_table(path, file_format)
        detected = mapping_rules.detect(headers)
        if not mapping_rules.recognised(detected):
            raise FileRefused(
                _("No column of the file was recognised. Name the columns, e.g. Bedrijfsnaam, Plaats, Achternaam.")
            )
        # Inside the try: a job row that cannot be written (PostgreSQL away: a 503) takes
        # its stored file with it (R-JOB-1: no file without its job).
        job = ImportJob.objects.create(
            assignment=assignment,
            uploaded_by=actor,
            file_format=file_format,
            file_path=relative,
            headers=headers,
            detected_mapping=detected,
            created_at=now or timezone.now(),
        )
    except FileRefused as exc:
        private_delete(relative)
        raise ServiceError(str(exc)) from exc
    except Exception:
        private_delete(relative)
        raise
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor: Any, mapping: dict[str, str] | None = None) -> ImportJob:
    """Confirm (or change) the mapping and queue the import."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.MAPPING:
        raise ServiceError(_("This import has already been confirmed."))
    if not job.file_path:
        raise ServiceError(_("The uploaded file has expired. Upload it again."))
    try:
        job.mapping = mapping_rules.validate(mapping if mapping is not None else job.detected_mapping, job.headers)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["mapping", "status"])

    from apps.imports.tasks import import_run_task

    # With the broker away the job stays queued and the task waits in the outbox (R-JOB-1).
    enqueue_on_commit(import_run_task, str(job.pk))
    return job


def _progress_key(job_id: Any) -> str:
    return f"import-progress:{job_id}"


def import_progress(job: ImportJob) -> int:
    """Progress in percent. While the import runs its transaction hides the row, so the
    running figure lives in the cache."""
    if job.status == ImportStatus.RUNNING:
        try:
            return int(cache.get(_progress_key(job.pk), job.progress))
        except RedisError:  # Redis away: the last figure the job row holds
            return job.progress
    return 100 if job.status == ImportStatus.DONE else job.progress


def import_run(*, job_id: Any, now: dt.datetime | None = None) -> ImportJob | None:
    """Run a queued import: all or nothing. Safe to run twice (a second run finds it started)."""
    from apps.imports.pipeline import run_pipeline

    now = now or timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now
    )
    job = ImportJob.objects.select_related("assignment").filter(pk=job_id).first()
    if not claimed or job is None:
        return job

    def progress(percent: int) -> None:
        cache.set(_progress_key(job.pk), percent, timeout=3600)

    try:
        with transaction.atomic():
            report = run_pipeline(job=job, path=private_path(job.file_path), now=now, progress=progress)
            for field, value in report.items():
                setattr(job, field, value)
            job.status = ImportStatus.DONE
            job.progress = 100
            job.finished_at = timezone.now()
            job.save()
    except FileRefused as exc:
        _fail(job, str(exc))
    except Exception:
        logger.exception("import %s failed", job.pk)
        _fail(job, _("The import failed unexpectedly; nothing was changed. Please try again or contact us."))
    finally:
        import_file_delete(job=job)
        cache.delete(_progress_key(job.pk))
    job.refresh_from_db()
    return job


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now(), progress=0
    )


def import_expire_unconfirmed(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete the files of uploads never confirmed (R-DEL-1); the job is marked failed."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IMPORT_UNCONFIRMED_KEEP_HOURS)
    expired = ImportJob.objects.filter(status=ImportStatus.MAPPING, created_at__lt=cutoff)
    if dry_run:
        return expired.count()
    count = 0
    for job in expired.iterator():
        import_file_delete(job=job)
        _fail(job, _("The mapping was not confirmed in time; the file has been deleted."))
        count += 1
    return count
