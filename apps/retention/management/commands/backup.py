"""`manage.py backup`: a pg_dump of the database without the erasure ledger, and backups
older than BACKUP_KEEP_DAYS deleted (R-DEL-2). The same rule as the daily beat job."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.retention.models import JobStatus
from apps.retention.runner import run_rule


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) into BACKUP_DIR; keep BACKUP_KEEP_DAYS days."

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_rule("backup", report=lambda line: self.stdout.write(line))
        if run.status != JobStatus.DONE:
            raise CommandError(f"backup {run.status}")
