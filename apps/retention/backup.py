"""Backups and restore around pg_dump/pg_restore (R-DEL-2).

`backup_create` writes a custom-format dump of the database *without* the erasure-ledger
schema into BACKUP_DIR; `backups_prune` deletes those older than BACKUP_KEEP_DAYS.
`backup_restore` restores a dump over the database in one transaction and then replays
the erasure ledger, which the restore did not touch: everybody erased after the backup
was taken is deleted again, through the single deletion path.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess  # noqa: S404 (fixed binaries from the settings, arguments as a list)
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.retention.models import LEDGER_DDL, LEDGER_SCHEMA, ErasureLedgerEntry

NAME = re.compile(r"^leadhunter-(\d{8}T\d{6}Z)\.dump$")
REPLAY_BATCH = 2000


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run pg_dump/pg_restore; a failure raises with the tool's own message."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-1500:]}")


def _pg_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def backup_dir() -> Path:
    path = Path(settings.BACKUP_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_create(*, now: dt.datetime | None = None, directory: Path | None = None) -> Path:
    """pg_dump (custom format) of the database, the erasure ledger excluded; return the file.

    Written under a temporary name and renamed when complete, so a crash never leaves a
    half backup that looks whole.
    """
    now = now or timezone.now()
    directory = directory or backup_dir()
    target = directory / f"leadhunter-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.dump"
    partial = target.with_suffix(".partial")
    args, env = _pg_args(connection.settings_dict)
    _run(
        [
            settings.PG_DUMP,
            *args,
            "--format=custom",
            f"--exclude-schema={LEDGER_SCHEMA}",
            "--no-owner",
            "--file",
            str(partial),
            connection.settings_dict["NAME"],
        ],
        env,
    )
    partial.replace(target)
    return target


def backups_prune(
    *, now: dt.datetime | None = None, dry_run: bool = False, directory: Path | None = None
) -> list[Path]:
    """Delete the backups older than BACKUP_KEEP_DAYS (by the time in their name); return them."""
    now = now or timezone.now()
    directory = directory or backup_dir()
    keep_from = now - dt.timedelta(days=settings.LEADHUNTER_PERIODS["BACKUP_KEEP_DAYS"])
    old = []
    for path in sorted(directory.iterdir()):
        match = NAME.match(path.name)
        if not match:
            continue
        taken = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        if taken < keep_from:
            old.append(path)
            if not dry_run:
                path.unlink(missing_ok=True)
    return old


def backup_restore(*, path: Path) -> int:
    """Restore a dump over the database, then replay the erasure ledger; return how many
    persons the replay deleted again. The ledger schema is not in the dump, so the restore
    leaves it as it is; on a fresh server it is created empty first."""
    args, env = _pg_args(connection.settings_dict)
    connection.close()  # nothing of ours holds a lock on the tables being replaced
    _run(
        [
            settings.PG_RESTORE,
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        ],
        env,
    )
    with connection.cursor() as cursor:
        cursor.execute(LEDGER_DDL)
    return ledger_replay()


def ledger_replay() -> int:
    """Delete again every person the erasure ledger holds (R-DEL-2), in batches; idempotent."""
    from apps.prospects.models import Person
    from apps.prospects.services import DeletionReason, persons_delete
    from apps.retention.runner import keyset_batches

    erased = Person.objects.filter(pk__in=ErasureLedgerEntry.objects.values("person_id"))
    deleted = 0
    for ids in keyset_batches(erased, REPLAY_BATCH):
        with transaction.atomic():
            deleted += len(persons_delete(person_ids=ids, reason=DeletionReason.LEDGER_REPLAY))
    return deleted
