"""The import of a client's database into an assignment (SPEC §4 "Upload", R-IMP-1…6).

1. `import_job_create` (the web request): cheap checks only (`files.check_file`: size,
   magic bytes, the xlsx container; a CSV's encoding), the file streamed to private storage
   and its job row created in one step. `import_job_check` (a Celery task) then reads it
   through for the caps and the row count, and maps its headers (`mapping.detect`).
2. `import_job_confirm`: the client confirms or changes the mapping; the job is queued.
3. `import_run` (the Celery task): one transaction. Rows are normalised in Python, COPYed
   into a temporary staging table, and matched against the shared records in SQL, set-based
   (`pipeline.py`). Either the whole import lands with its report or nothing changes.
   The staging table dies with the transaction and the file is deleted afterwards, whatever
   the outcome (R-DEL-1).
4. `import_jobs_watch` (a clock rule, R-JOB-1): a job whose worker was lost is failed or
   queued again, and any stored file no job names is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.assignments.models import Assignment, ProcessorAgreement
from apps.core.enqueue import enqueue_or_defer
from apps.core.errors import ServiceError
from apps.core.private_files import private_delete, private_delete_on_commit, private_path, private_store
from apps.imports import mapping as mapping_rules
from apps.imports.files import KEPT_ROWS_SUFFIX, FileRefused, check_file, read_table, scan_table, sniff_encoding
from apps.imports.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

UPLOAD_DIR = "imports"


def upload_files(relative: str) -> list[str]:
    """An upload's files: the file itself and the rows its check kept for the import
    (`files.scan_table`); both go together (R-DEL-1)."""
    return [relative, relative + KEPT_ROWS_SUFFIX] if relative else []


def upload_delete(relative: str) -> None:
    for path in upload_files(relative):
        private_delete(path)


def import_file_delete(*, job: ImportJob) -> None:
    """Delete the uploaded file of a job (R-DEL-1: kept only until its import has finished),
    the rows its check kept, and the sample values the mapping page showed of it."""
    _samples_forget(job.pk)
    upload_delete(job.file_path)
    if job.file_path:
        ImportJob.objects.filter(pk=job.pk).update(file_path="")
        job.file_path = ""


def _require_uploader(assignment: Assignment, actor: Any) -> None:
    if getattr(actor, "role", None) not in (Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise ServiceError(_("Only the client and its supervisors can upload a database."))
    # Accepted in the version in force (issue 14 #7): a new version is accepted before new uploads.
    agreement = ProcessorAgreement.objects.filter(assignment=assignment).first()
    if agreement is None or not agreement.is_accepted:
        raise ServiceError(_("Accept the processor agreement of this assignment before uploading data."))
    if not agreement.is_current:
        raise ServiceError(
            _("The processor agreement has a new version. Accept it on the agreement page before uploading data.")
        )


def import_job_create(
    *, assignment: Assignment, actor: Any, upload: IO[bytes], filename: str, now: dt.datetime | None = None
) -> ImportJob:
    """Store an upload after the cheap checks and queue its check (R-IMP-1, R-IMP-2, R-IMP-6).

    The request only streams the file to private storage and looks at it without parsing
    (size, type by its magic bytes, the xlsx zip container, a CSV's encoding); a refusal
    raises ServiceError and nothing is kept. The job row is created in the same transaction
    as the file is moved into place (a rollback deletes it), so no stored file lacks its
    row; reading the file through (headers, row count) is the worker's (`import_job_check`).
    """
    _require_uploader(assignment, actor)
    suffix = Path(filename or "").suffix.lower()
    suffix = suffix if suffix in (".xlsx", ".csv") else ".bin"
    # Written under a ".part" name first: the watchdog deletes any file no job row names.
    partial, size = private_store(upload, UPLOAD_DIR, suffix=".part", max_bytes=settings.IMPORT_MAX_BYTES)
    relative = partial.removesuffix(".part") + suffix
    try:
        with open(private_path(partial), "rb") as stored:
            head = stored.read(64 * 1024)
        file_format = check_file(filename or "", head, size, private_path(partial))
        if file_format == "csv":
            sniff_encoding(head)
        with transaction.atomic():
            job = ImportJob.objects.create(
                assignment=assignment,
                uploaded_by=actor,
                status=ImportStatus.CHECKING,
                file_format=file_format,
                file_path=relative,
                created_at=now or timezone.now(),
                heartbeat_at=timezone.now(),
            )
            os.replace(private_path(partial), private_path(relative))
            transaction.on_commit(lambda: _enqueue_or_leave_to_watchdog(job.pk, check=True))
    except FileRefused as exc:
        private_delete(partial)
        raise ServiceError(str(exc)) from exc
    except BaseException:
        private_delete(partial)
        private_delete(relative)
        raise
    return job


def import_job_check(*, job_id: Any, raise_if_busy: bool = False) -> ImportJob | None:
    """Read an uploaded file through in the worker (R-IMP-2, R-IMP-6): readability, the row
    and column caps, the headers and their detected mapping, the row count, with progress.
    Then the job awaits the client's mapping; a refused file fails the job with the reason
    and is deleted. Redelivery-safe like `import_run` (same runner lock, same attempts)."""
    with _runner_lock(job_id) as held:
        if not held:
            if raise_if_busy:
                raise RunnerBusy(job_id)
            return ImportJob.objects.filter(pk=job_id).first()
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.status != ImportStatus.CHECKING:
                return job
            if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                _fail_and_delete(job, _unreadable_message())
                return job
            job.attempts += 1
            job.heartbeat_at = timezone.now()
            job.save(update_fields=["attempts", "heartbeat_at"])
        heartbeat = _Heartbeat(job.pk, status=ImportStatus.CHECKING)
        error = ""
        try:
            headers, rows, layout = scan_table(
                private_path(job.file_path),
                job.file_format,
                progress=heartbeat,
                layout=job.layout,
                keep=private_path(job.file_path + KEPT_ROWS_SUFFIX),
            )
            detected = mapping_rules.detect(headers)
            if not mapping_rules.recognised(detected):
                raise FileRefused(
                    _("No column of the file was recognised. Name the columns, e.g. Bedrijfsnaam, Plaats, Achternaam.")
                )
        except FileRefused as exc:
            error = str(exc)
        except Exception:
            logger.exception("import %s: the check failed", job.pk)
            error = _unreadable_message()
        finally:
            heartbeat.close()
        if error:
            upload_delete(job.file_path)  # the file first: it needs no database
            _fail(job, error)
            import_file_delete(job=job)
        else:
            recorded = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(
                status=ImportStatus.MAPPING,
                headers=headers,
                layout=layout,
                detected_mapping=detected,
                rows_read=rows,
                progress=0,
                attempts=0,
                heartbeat_at=timezone.now(),
            )
            if not recorded:
                # The job moved on meanwhile (its upload expired and was deleted): the rows
                # this check kept must not outlive it (R-DEL-1).
                private_delete(job.file_path + KEPT_ROWS_SUFFIX)
    job.refresh_from_db()
    return job


SAMPLES_SHOWN = 3
SAMPLE_ROWS_READ = 200
SAMPLES_CACHE_SECONDS = 15 * 60


def _samples_key(job_id: Any) -> str:
    return f"imports:samples:{job_id}"


def _samples_forget(job_id: Any) -> None:
    try:
        cache.delete(_samples_key(job_id))
    except Exception:  # Redis away: the entry expires on its own within SAMPLES_CACHE_SECONDS
        logger.warning("import %s: sample values not removed from the cache", job_id)


def import_samples(*, job: ImportJob) -> dict[str, list[str]]:
    """Up to SAMPLES_SHOWN distinct values of each column ({column index: values}), from the
    first SAMPLE_ROWS_READ rows of the stored file, for the mapping page (issue 12 #9). Read
    from the file while it is kept, never stored on the job (R-DEL-1); cached briefly so
    that showing the page again does not parse a large workbook again, and forgotten with
    the file (`import_file_delete`)."""
    if job.status != ImportStatus.MAPPING or not job.file_path:
        return {}
    key = _samples_key(job.pk)
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return cached
    samples: dict[str, list[str]] = {str(i): [] for i in range(len(job.headers))}
    try:
        table = read_table(private_path(job.file_path), job.file_format, job.layout)
        for count, (_number, cells, _issues) in enumerate(table.rows, start=1):
            for index, value in enumerate(cells):
                column = samples.get(str(index))
                if column is not None and value and len(column) < SAMPLES_SHOWN and value not in column:
                    column.append(value[:60])
            if count >= SAMPLE_ROWS_READ or all(len(v) >= SAMPLES_SHOWN for v in samples.values()):
                break
    except (FileRefused, OSError):
        return {}
    try:
        cache.set(key, samples, SAMPLES_CACHE_SECONDS)
    except Exception:
        logger.warning("import %s: sample values not cached", job.pk)
    return samples


@transaction.atomic
def import_job_choose_sheet(*, job: ImportJob, actor: Any, sheet: str) -> ImportJob:
    """Read another sheet of the workbook (R-IMP-6): the job goes back to the check, which
    finds that sheet's header row and columns; the mapping is chosen afterwards."""
    _require_uploader(job.assignment, actor)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.MAPPING:
        raise ServiceError(_("The sheet can be chosen only before the mapping is confirmed."))
    if sheet not in (job.layout or {}).get("sheets", []):
        raise ServiceError(_("The workbook has no sheet with data of that name."))
    if not job.file_path:
        raise ServiceError(_("The uploaded file has expired. Upload it again."))
    job.layout = {"sheet": sheet, "sheets": job.layout["sheets"]}
    job.status = ImportStatus.CHECKING
    job.headers, job.detected_mapping, job.rows_read, job.progress, job.attempts = [], {}, 0, 0, 0
    job.heartbeat_at = timezone.now()
    job.save(
        update_fields=["layout", "status", "headers", "detected_mapping", "rows_read", "progress", "attempts",
                       "heartbeat_at"]
    )  # fmt: skip
    _samples_forget(job.pk)  # the sample values were another sheet's
    transaction.on_commit(lambda: _enqueue_or_leave_to_watchdog(job.pk, check=True))
    return job


def _unreadable_message() -> str:
    return _("The file could not be checked; nothing was imported. Upload it again.")


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor: Any, mapping: dict[str, str] | None = None) -> ImportJob:
    """Confirm (or change) the mapping and queue the import."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == ImportStatus.CHECKING:
        raise ServiceError(_("The file is still being checked. Confirm the mapping once it is shown."))
    if job.status != ImportStatus.MAPPING:
        raise ServiceError(_("This import has already been confirmed."))
    if not job.file_path:
        raise ServiceError(_("The uploaded file has expired. Upload it again."))
    try:
        job.mapping = mapping_rules.validate(mapping if mapping is not None else job.detected_mapping, job.headers)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    job.status = ImportStatus.QUEUED
    job.heartbeat_at = timezone.now()  # the watchdog queues it again if no worker takes it
    job.save(update_fields=["mapping", "status", "heartbeat_at"])
    transaction.on_commit(lambda: _samples_forget(job.pk))
    transaction.on_commit(lambda: _enqueue_or_leave_to_watchdog(job.pk))
    return job


def import_progress(job: ImportJob) -> int:
    """Progress in percent. The running import writes it with its heartbeat, on a connection
    of its own, so that the row shows it while the import's transaction is still open."""
    return 100 if job.status == ImportStatus.DONE else job.progress


# Messages of a lost run: the import's one transaction rolled back, so nothing changed.
def _lost_message() -> str:
    return _("The import stopped before it finished; nothing was changed. Upload the file again.")


# Two-key advisory locks (pg_try_advisory_lock(int, int)) live apart from the clock rules'
# one-key locks. Held by the worker running a job, on its session: PostgreSQL releases it
# when that session ends, so "lock free but status running" means the run was lost.
_RUNNER_LOCK_CLASS = 15001


class RunnerBusy(Exception):
    """Another session holds the job's runner lock: a live run, or the session of a worker
    just killed, which PostgreSQL ends within client_connection_check_interval."""


@contextmanager
def _runner_lock(job_id: Any) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [_RUNNER_LOCK_CLASS, str(job_id)])
        held = bool(cursor.fetchone()[0])
        if held and connection.pg_version >= 140000:
            # A killed worker's session may sit in a lock wait or a long statement and keep
            # holding the lock; this makes PostgreSQL notice the dead client within seconds.
            cursor.execute("SET client_connection_check_interval = '5s'")
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [_RUNNER_LOCK_CLASS, str(job_id)])
            except DatabaseError:
                logger.warning(
                    "import %s: could not release the runner lock (the session is gone, and it with it)", job_id
                )


IMPORT_HEARTBEAT_SECONDS = 15


class _Heartbeat:
    """The running import's progress callback: writes `progress` and `heartbeat_at` on a
    database connection of its own (autocommit), because the import's transaction hides its
    writes until it commits and the watchdog must see the job alive (R-JOB-1). Throttled:
    a write when the percentage changes or every IMPORT_HEARTBEAT_SECONDS."""

    def __init__(self, job_id: Any, status: str = ImportStatus.RUNNING) -> None:
        self.job_id = job_id
        self.status = status
        self.percent = -1
        self.written_at = 0.0
        self.connection: Any = None

    def __call__(self, percent: int) -> None:
        if percent == self.percent and time.monotonic() - self.written_at < IMPORT_HEARTBEAT_SECONDS:
            return
        self.percent, self.written_at = percent, time.monotonic()
        try:
            if self.connection is None:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE imports_importjob SET progress = %s, heartbeat_at = %s WHERE id = %s AND status = %s",
                    [percent, timezone.now(), self.job_id, self.status],
                )
        except DatabaseError:
            # A missed heartbeat is no failure of the import; the next one reconnects.
            logger.warning("import %s: heartbeat not written", self.job_id, exc_info=True)
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except DatabaseError:
                pass
            self.connection = None


def _claim(job_id: Any, now: dt.datetime) -> tuple[ImportJob | None, bool]:
    """Mark the job running, under the runner lock. A job found *running* lost its worker
    (we hold the lock, so no one else runs it): it runs again, up to IMPORT_MAX_ATTEMPTS."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("assignment").filter(pk=job_id).first()
        if job is None:
            return None, False
        if job.status == ImportStatus.RUNNING:
            logger.warning("import %s: its previous run was lost (attempt %d)", job.pk, job.attempts)
            if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                _fail_and_delete(job, _lost_message())
                return job, False
        elif job.status != ImportStatus.QUEUED:
            return job, False
        job.status = ImportStatus.RUNNING
        job.started_at = now
        job.heartbeat_at = timezone.now()
        job.attempts += 1
        job.progress = 0
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "progress"])
    return job, True


def import_run(*, job_id: Any, now: dt.datetime | None = None, raise_if_busy: bool = False) -> ImportJob | None:
    """Run a queued import: all or nothing (R-IMP-6, R-JOB-1).

    Safe to run twice and to be redelivered: a run holds the job's runner lock for its whole
    length, so a second delivery while it runs leaves it alone, and one after its worker was
    lost (the lock died with its session, the transaction rolled back) runs it again. The file
    is deleted whatever the outcome; a crash that skips even that is the watchdog's.
    """
    from apps.imports.pipeline import phase, run_pipeline

    now = now or timezone.now()
    with _runner_lock(job_id) as held:
        if not held:
            if raise_if_busy:
                raise RunnerBusy(job_id)
            return ImportJob.objects.filter(pk=job_id).first()
        job, claimed = _claim(job_id, now)
        if not claimed or job is None:
            return job
        heartbeat = _Heartbeat(job.pk)
        error = ""
        try:
            with transaction.atomic():
                report = run_pipeline(job=job, path=private_path(job.file_path), now=now, progress=heartbeat)
                for field, value in report.items():
                    setattr(job, field, value)
                job.status = ImportStatus.DONE
                job.progress = 100
                job.finished_at = timezone.now()
                job.save()
                committing = time.perf_counter()
            phase("commit", time.perf_counter() - committing)
        except FileRefused as exc:
            error = str(exc)
        except Exception:
            logger.exception("import %s failed", job.pk)
            error = _("The import failed unexpectedly; nothing was changed. Please try again or contact us.")
        finally:
            heartbeat.close()
            # The file first: it needs no database, which may be what just failed.
            upload_delete(job.file_path)
        for attempt in (1, 2):
            try:
                if error:
                    _fail(job, error)
                import_file_delete(job=job)
                break
            except DatabaseError:
                if attempt == 1 and not connection.in_atomic_block:
                    # The session was lost (a database restart): once more on a new one.
                    connection.close()
                    continue
                # The database is still gone: the job stays "running" with a stale heartbeat
                # and no lock, and the watchdog fails it once the database is back.
                logger.exception("import %s: outcome not recorded", job.pk)
                return job
    job.refresh_from_db()
    return job


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now(), progress=0
    )


def _fail_and_delete(job: ImportJob, message: str) -> None:
    """Fail a job and delete its file once that commits (inside the caller's transaction)."""
    private_delete_on_commit(upload_files(job.file_path))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now(), progress=0, file_path=""
    )
    job.status, job.error, job.file_path = ImportStatus.FAILED, message, ""


def _enqueue(job_id: Any, *, check: bool = False) -> None:
    from apps.imports.tasks import import_check_task, import_run_task

    # Through the one sending path (apps.core.enqueue): with the broker away the task waits in
    # the outbox; the watchdog would queue the job again as well (both safe: a run claims it once).
    enqueue_or_defer(import_check_task if check else import_run_task, str(job_id))


def _enqueue_or_leave_to_watchdog(job_id: Any, *, check: bool = False) -> None:
    """Queue a committed job; with the broker down it stays queued and the watchdog queues it
    again later (R-JOB-1), rather than the client's request failing after its commit."""
    try:
        _enqueue(job_id, check=check)
    except Exception:
        logger.warning("import %s: not queued now (broker down?); the watchdog retries", job_id, exc_info=True)


def import_jobs_watch(*, now: dt.datetime | None = None, dry_run: bool = False) -> Counter:
    """The watchdog (R-JOB-1): imports whose heartbeat is older than IMPORT_STALE_MINUTES.

    - checking, and no worker holds its lock: the check is queued again.

    - running, and no worker holds its runner lock: the worker was lost (killed, its database
      connection gone). Its transaction rolled back, so the job is failed with "nothing was
      changed" and its file deleted. A job whose worker still holds the lock is alive, only
      in a long step, and is left alone.
    - queued: the message never reached a worker (the broker was down): queued again. Safe
      if it did arrive meanwhile: a run claims the job once.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    stale = ImportJob.objects.alias(beat=Coalesce("heartbeat_at", "created_at")).filter(beat__lt=cutoff)
    counts: Counter = Counter()
    for job_id in stale.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True):
        with _runner_lock(job_id) as held:
            if not held:
                counts["imports_alive"] += 1
                continue
            if dry_run:
                counts["imports_to_fail"] += 1
                continue
            with transaction.atomic():
                job = stale.select_for_update().filter(pk=job_id, status=ImportStatus.RUNNING).first()
                if job is not None:
                    _fail_and_delete(job, _lost_message())
                    counts["imports_failed"] += 1
    for job_id in stale.filter(status=ImportStatus.CHECKING).values_list("pk", flat=True):
        # The check writes nothing: a lost one is simply queued again (its attempts capped).
        with _runner_lock(job_id) as held:
            if not held:
                counts["checks_alive"] += 1
                continue
            if dry_run:
                counts["checks_to_requeue"] += 1
                continue
            ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).update(heartbeat_at=now)
        try:
            _enqueue(job_id, check=True)
        except Exception:
            logger.warning("import %s: check not queued again (broker down?)", job_id, exc_info=True)
            counts["checks_not_requeued"] += 1
        else:
            counts["checks_requeued"] += 1
    for job_id in stale.filter(status=ImportStatus.QUEUED).values_list("pk", flat=True):
        if dry_run:
            counts["imports_to_requeue"] += 1
            continue
        with transaction.atomic():
            job = stale.select_for_update().filter(pk=job_id, status=ImportStatus.QUEUED).first()
            if job is None:
                continue
            if not job.file_path or not private_path(job.file_path).exists():
                _fail_and_delete(job, _lost_message())
                counts["imports_failed"] += 1
                continue
            # The next re-queue, if this one is lost too, comes a full period later.
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=now)
        try:
            _enqueue(job.pk)
        except Exception:
            logger.warning("import %s: could not be queued again (broker down?)", job.pk, exc_info=True)
            counts["imports_not_requeued"] += 1
        else:
            counts["imports_requeued"] += 1
    counts["orphan_files_to_delete" if dry_run else "orphan_files_deleted"] += _orphan_files_delete(
        cutoff=cutoff, dry_run=dry_run
    )
    return counts


def _orphan_files_delete(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """Files under the upload folder that no job names, older than the cutoff: a web process
    that died while streaming an upload, before its row was created (R-DEL-1)."""
    folder = private_path(UPLOAD_DIR)
    if not folder.is_dir():
        return 0
    named = {
        Path(p).name
        for relative in ImportJob.objects.exclude(file_path="").values_list("file_path", flat=True)
        for p in upload_files(relative)
    }
    count = 0
    for path in folder.iterdir():
        if path.name in named or not path.is_file():
            continue
        if dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC) >= cutoff:
            continue  # perhaps an upload still streaming, its row not yet committed
        if not dry_run:
            path.unlink(missing_ok=True)
        count += 1
    return count


@transaction.atomic
def import_job_retry(*, job: ImportJob, actor: Any) -> ImportJob:
    """Run a failed import again, in one click: the same job is queued again while its file is
    still kept; otherwise ServiceError asks for the file again."""
    _require_uploader(job.assignment, actor)
    job = ImportJob.objects.select_for_update().select_related("assignment").get(pk=job.pk)
    if job.status != ImportStatus.FAILED:
        raise ServiceError(_("Only a failed import can be tried again."))
    if not job.file_path or not private_path(job.file_path).exists():
        raise ServiceError(_("The file of this import is no longer kept. Upload it again."))
    job.status = ImportStatus.QUEUED
    job.error = ""
    job.progress = 0
    job.attempts = 0
    job.finished_at = None
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "error", "progress", "attempts", "finished_at", "heartbeat_at"])
    transaction.on_commit(lambda: _enqueue_or_leave_to_watchdog(job.pk))
    return job


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
