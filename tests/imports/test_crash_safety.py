"""Imports survive a lost worker (R-JOB-1, R-IMP-2, R-IMP-6): a real Celery worker killed with
SIGKILL in the middle of an import leaves the database unchanged, and the watchdog rule fails
the job and deletes its file; a queued job nobody took is queued again; the client retries
in one click."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone

from apps.core.private_files import private_path
from apps.imports import services
from apps.imports.models import ImportJob, ImportStatus
from apps.retention.runner import run_rule
from leadhunter.celery import app
from tests.conftest import build_world
from tests.imports.helpers import csv_bytes, upload

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("prospects_company", "prospects_person", "prospects_prospect", "prospects_prospectperson")


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """The upload's check, queued on commit, runs here at once (nothing left on the broker)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _snapshot() -> dict[str, str]:
    """Every row of the tables an import writes, as one digest per table."""
    digests = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            digest = "count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
            cursor.execute(f"SELECT {digest} FROM {table} t")  # noqa: S608 (our own table names)
            digests[table] = cursor.fetchone()[0]
    return digests


def _rows(count: int) -> list[list[str]]:
    return [
        [
            f"Kill Test {i} BV",
            f"{70000000 + i}",
            "1234AB",
            "Utrecht",
            "",
            "Jan",
            f"Jansen{i}",
            f"jan{i}@kill{i}.nl",
            str(i),
        ]
        for i in range(count)
    ]


def _until(condition: Callable[[], object], what: str, seconds: float = 120) -> object:
    """Polls a condition on another process (the worker, PostgreSQL) with a deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _start_worker(queue: str, tmp_path: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PRIVACY_HASH_KEY=settings.PRIVACY_HASH_KEY,
        CELERY_TASK_ALWAYS_EAGER="0",
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 (lives as long as the worker)
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "celery", "-A", "leadhunter", "worker", "-Q", queue, "-c", "1", "-P", "prefork",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


@contextmanager
def _routed_to(queue: str) -> Iterator[None]:
    """Every import task published meanwhile goes to this test's own worker."""
    previous = app.conf.task_routes
    app.conf.task_routes = {"imports.*": {"queue": queue}}
    app.amqp.flush_routes()  # the routes and the router are built once per process: rebuild them
    app.amqp.router = app.amqp.Router()
    try:
        yield
    finally:
        app.conf.task_routes = previous
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()
        with app.connection_for_write() as broker:  # the test's queue goes
            broker.default_channel.queue_delete(queue)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_changed_and_the_watchdog_fails_the_job(tmp_path) -> None:
    world = build_world()
    client = world.users["client_same_tenant"]
    before = _snapshot()
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"

    # Another session holds a lock that lets the worker read but not write companies: the
    # import is caught inside its transaction, after its first heartbeats, at a known point.
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE prospects_company IN SHARE ROW EXCLUSIVE MODE")
    worker = _start_worker(queue, tmp_path)
    try:
        with _routed_to(queue):
            # The whole flow through the real broker: the upload is checked by the worker…
            job = services.import_job_create(
                assignment=world.assignment, actor=client, upload=io.BytesIO(csv_bytes(_rows(3000))), filename="db.csv"
            )
            path = private_path(job.file_path)
            _until(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MAPPING).exists(), "the check")
            job.refresh_from_db()
            assert job.rows_read == 3000 and job.detected_mapping["0"] == "company_name"
            services.import_job_confirm(job=job, actor=client)  # …and the import queued on commit

        def waiting_backend() -> int | None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query ILIKE '%%prospects_company%%'"
                )
                row = cursor.fetchone()
            return row[0] if row else None

        backend = _until(waiting_backend, "the worker's import to reach its first write")
        job.refresh_from_db()
        assert job.status == ImportStatus.RUNNING and job.attempts == 1
        assert job.progress >= 60 and job.heartbeat_at is not None  # written outside the import's transaction

        os.killpg(worker.pid, signal.SIGKILL)  # the whole worker: main process and pool child
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        blocker.rollback()
        blocker.close()

    def backend_gone() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            return cursor.fetchone()[0] == 0

    _until(backend_gone, "PostgreSQL to end the dead worker's session")
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # today's state after the kill: the watchdog's to end
    assert path.exists()
    assert _snapshot() == before  # the import's one transaction rolled back

    # Within the stale period the watchdog leaves it; after it, the job fails and its file goes.
    run_rule("import_watchdog", now=timezone.now() + dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES - 1))
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    run = run_rule("import_watchdog", now=timezone.now() + dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "nothing was changed" in job.error
    assert run.counts.get("imports_failed") == 1
    assert job.file_path == "" and not path.exists()
    assert _snapshot() == before

    # The page says so and offers one click: the file is gone, so it leads to the upload.
    http = world.client_for("client_same_tenant")
    page = http.get(reverse("portal:import", args=[job.pk]))
    assert b"nothing was changed" in page.content and b'id="retry-import"' in page.content
    response = http.post(reverse("portal:import-retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:upload", args=[world.assignment.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def _waiting_backends() -> list[int]:
    """Sessions waiting for the lock on the companies the test holds: the worker's import."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query ILIKE '%%prospects_company%%'"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_killed_pool_child_is_redelivered_and_the_import_runs_again(tmp_path) -> None:
    """SIGKILL of the pool child only: Celery rejects the message back to the queue
    (reject_on_worker_lost); the redelivered run waits until PostgreSQL has ended the dead
    session (its transaction rolled back, its lock gone), runs again and lands once."""
    world = build_world()
    client = world.users["client_same_tenant"]
    companies = world.company.__class__.objects.count()
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE prospects_company IN SHARE ROW EXCLUSIVE MODE")
    worker = _start_worker(queue, tmp_path)
    try:
        with _routed_to(queue):
            job = services.import_job_create(
                assignment=world.assignment, actor=client, upload=io.BytesIO(csv_bytes(_rows(500))), filename="db.csv"
            )
            _until(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MAPPING).exists(), "the check")
            job.refresh_from_db()
            services.import_job_confirm(job=job, actor=client)
            first = _until(_waiting_backends, "the first run to reach its first write")[0]
            child = int(Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()[0])
            os.kill(child, signal.SIGKILL)

            second = _until(lambda: [p for p in _waiting_backends() if p != first], "the redelivered run")[0]
            job.refresh_from_db()
            assert job.status == ImportStatus.RUNNING and job.attempts == 2
            with connection.cursor() as cursor:  # the lost run's session is gone
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [first])
                assert cursor.fetchone()[0] == 0
            blocker.rollback()  # let the second run write
            # Done, and its file gone: the worker is stopped below, so wait for both.
            _until(
                lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE, file_path="").exists(),
                "the import and its file's removal",
                180,
            )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        blocker.rollback()
        blocker.close()
    job.refresh_from_db()
    assert second and job.companies_new == 500 and job.file_path == ""
    assert world.company.__class__.objects.count() == companies + 500  # landed once


@pytest.mark.django_db(transaction=True)
def test_a_database_session_lost_mid_import_fails_the_job_with_nothing_changed(tmp_path) -> None:
    """What a PostgreSQL restart does to a running import, on its session alone (the server
    is shared): the session is terminated in the middle of the import's transaction. The
    worker records the failure on a new session, deletes the file and lives on."""
    world = build_world()
    client = world.users["client_same_tenant"]
    before = _snapshot()
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute("LOCK TABLE prospects_company IN SHARE ROW EXCLUSIVE MODE")
    worker = _start_worker(queue, tmp_path)
    try:
        with _routed_to(queue):
            job = services.import_job_create(
                assignment=world.assignment, actor=client, upload=io.BytesIO(csv_bytes(_rows(500))), filename="db.csv"
            )
            path = private_path(job.file_path)
            _until(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MAPPING).exists(), "the check")
            job.refresh_from_db()
            services.import_job_confirm(job=job, actor=client)
            backend = _until(_waiting_backends, "the import to reach its first write")[0]
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            _until(lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).exists(), "the failure")
        assert worker.poll() is None  # the worker itself lives on
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        blocker.rollback()
        blocker.close()
    job.refresh_from_db()
    assert "niets veranderd" in job.error  # "nothing was changed", in the worker's language (Dutch)
    assert job.file_path == "" and not path.exists()
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_the_watchdog_leaves_a_running_import_whose_worker_is_alive(eager_celery) -> None:  # type: ignore[no-untyped-def]
    """A stale heartbeat alone is no proof of death: a worker in one long SQL step holds the
    job's runner lock, and the watchdog leaves the job to it."""
    world = build_world()
    job = upload(world.assignment, world.users["client_same_tenant"], csv_bytes(_rows(1)))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, heartbeat_at=timezone.now())
    runner = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with runner.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [services._RUNNER_LOCK_CLASS, str(job.pk)])
        run = run_rule("import_watchdog", now=timezone.now() + dt.timedelta(hours=2))
    finally:
        runner.close()
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and private_path(job.file_path).exists()
    assert run.counts.get("imports_alive") == 1


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_import_whose_worker_was_lost_runs_again_then_fails_for_good(eager_celery) -> None:  # type: ignore[no-untyped-def]
    """What Celery's reject_on_worker_lost redelivers: the job is "running", no one holds its
    lock (the lost run's transaction rolled back). It runs again, up to IMPORT_MAX_ATTEMPTS."""
    world = build_world()
    client = world.users["client_same_tenant"]
    job = upload(world.assignment, client, csv_bytes(_rows(2)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, mapping=job.detected_mapping, attempts=1, heartbeat_at=timezone.now()
    )
    again = services.import_run(job_id=job.pk)
    assert again.status == ImportStatus.DONE and again.attempts == 2 and again.persons_new == 2

    looping = upload(world.assignment, client, csv_bytes(_rows(1)))
    path = private_path(looping.file_path)
    ImportJob.objects.filter(pk=looping.pk).update(
        status=ImportStatus.RUNNING, mapping=looping.detected_mapping, attempts=settings.IMPORT_MAX_ATTEMPTS
    )
    before = _snapshot()
    ended = services.import_run(job_id=looping.pk)
    assert ended.status == ImportStatus.FAILED and "nothing was changed" in ended.error
    assert not path.exists() and _snapshot() == before


def test_a_queued_import_nobody_took_is_queued_again(world, settings, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """The broker was down when the client confirmed: the message never left and the job
    stayed queued (here: the commit's callbacks are dropped). The watchdog queues it again."""
    client = world.users["client_same_tenant"]
    job = upload(world.assignment, client, csv_bytes(_rows(2)))
    with django_capture_on_commit_callbacks(execute=False):
        services.import_job_confirm(job=job, actor=client)
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.heartbeat_at is not None

    settings.CELERY_TASK_ALWAYS_EAGER = True  # the re-queued run happens here, at once
    fresh = run_rule("import_watchdog", now=timezone.now() + dt.timedelta(minutes=1))
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and not fresh.counts.get("imports_requeued")
    run = run_rule("import_watchdog", now=timezone.now() + dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1))
    job.refresh_from_db()
    assert run.counts.get("imports_requeued") == 1
    assert job.status == ImportStatus.DONE and job.persons_new == 2 and job.file_path == ""


def test_retry_queues_the_same_job_while_its_file_is_kept(world, settings, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = world.users["client_same_tenant"]
    job = upload(world.assignment, client, csv_bytes(_rows(2)))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, mapping=job.detected_mapping, error="lost", attempts=2
    )
    # Another client finds nothing, the same as for an id that does not exist (R-NTK-1).
    other = world.client_for("client_other_tenant").post(reverse("portal:import-retry", args=[job.pk]))
    assert other.status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED

    with django_capture_on_commit_callbacks(execute=True):  # eager in tests: queued and run at once
        response = world.client_for("client_same_tenant").post(reverse("portal:import-retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:import", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.persons_new == 2 and job.error == "" and job.file_path == ""


@pytest.mark.django_db(transaction=True)
def test_the_reading_writes_its_progress_in_steps_not_per_chunk(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 #1: every progress write is a new version of the job's row, which the import's
    own rows (differences, prospects) check their key against while its transaction keeps
    every version; the reading writes its progress in steps of PROGRESS_STEP percent, not
    once a chunk, and the milestones after it as before."""
    from apps.imports import pipeline
    from tests.imports.helpers import run_import

    world = build_world()
    settings.IMPORT_MAX_ROWS = 600
    monkeypatch.setattr(pipeline, "CHUNK", 10)  # 30 chunks, 5 → 60 % in steps of ~2
    written: list[int] = []
    original = services._Heartbeat.__call__

    def recorded(self, percent: int) -> None:  # type: ignore[no-untyped-def]
        if self.status == ImportStatus.RUNNING:
            written.append(percent)
        original(self, percent)

    monkeypatch.setattr(services._Heartbeat, "__call__", recorded)
    job = run_import(world.assignment, world.users["client_same_tenant"], csv_bytes(_rows(300)))
    assert job.status == ImportStatus.DONE and job.rows_read == 300
    reading = [p for p in written if p < 60]
    assert reading[0] == 5 and len(reading) <= 55 // pipeline.PROGRESS_STEP + 1, written
    assert len({p // pipeline.PROGRESS_STEP for p in reading}) == len(reading)
    assert written[-5:] == [60, 70, 80, 90, 99]
