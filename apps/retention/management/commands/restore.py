"""`manage.py restore FILE`: restore a backup, then replay the erasure ledger so nobody
erased after the backup was taken comes back (R-DEL-2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.retention.backup import backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup` over the database and replay the erasure ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such backup: {path}")
        counts = backup_restore(path=path)
        persons = counts.pop("prospects.person", 0)
        others = ", ".join(f"{label} {n}" for label, n in counts.items() if n)
        self.stdout.write(
            f"restored {path.name}; erasure ledger replayed: {persons} persons deleted again"
            + (f"; other records deleted or blanked again: {others}" if others else "")
        )
