"""Backups and restore around pg_dump/pg_restore (R-DEL-2).

`backup_create` writes a custom-format dump of the database *without* the erasure-ledger
schema (the ledger and the suppression list) into BACKUP_DIR, readable by its owner only
(files 0600 in a 0700 directory); `backups_prune` deletes those older than
BACKUP_KEEP_DAYS. `backup_restore` restores a dump over the database in one transaction
and then replays the erasure ledger, which the restore did not touch: every deletion and
blanking made after the backup was taken is done again, each through its own service
(`apps.retention.ledger`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess  # noqa: S404 (fixed binaries from the settings, arguments as a list)
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.retention.models import LEDGER_DDL, LEDGER_SCHEMA

NAME = re.compile(r"^leadhunter-(\d{8}T\d{6}Z)\.dump$")
DIR_MODE = 0o700
FILE_MODE = 0o600


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
    """BACKUP_DIR, created for its owner only; an existing one is closed to others too
    (R-DEL-2: backups hold every client's data)."""
    path = Path(settings.BACKUP_DIR)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path.chmod(DIR_MODE)
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
    # Created 0600 before pg_dump opens it (it truncates, the mode stays): the dump is never
    # readable by others, not even while it is being written.
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
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
    partial.chmod(FILE_MODE)
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


def backup_restore(*, path: Path) -> dict[str, int]:
    """Restore a dump over the database, then replay the erasure ledger; return how many
    records of each kind the replay deleted or blanked again. The ledger schema is not in
    the dump, so the restore leaves it as it is; on a fresh server it is created empty
    first."""
    from apps.accounts.cached import cache_generation_bump
    from apps.core import dbroles
    from apps.retention.ledger import ledger_replay

    app = dbroles.runtime_role()
    # Replacing tables is the owner's work (R-SEC-3): pg_restore connects as the owner role,
    # so the tables it creates are the owner's; the dump's own grants are skipped and the
    # runtime role's rights stated again afterwards. The replay runs as the runtime role.
    with dbroles.as_owner():
        connection.close()  # nothing of ours holds a lock on the tables being replaced
        args, env = _pg_args(connection.settings_dict)
        _run(
            [
                settings.PG_RESTORE,
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
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
            owner = dbroles.owner_credentials()
            if app and owner:
                dbroles.grant_runtime(cursor, owner=owner["USER"], app=app)
    cache_generation_bump()  # no session or user cached before the restore is read back
    return ledger_replay()
