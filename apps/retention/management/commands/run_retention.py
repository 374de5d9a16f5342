"""`manage.py run_retention [--dry-run] [--now ISO-DATE] [--rule NAME]`: the clock rules on
demand (R-RET-1), the same code as the beat jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.retention.runner import RULES, run_rule


def parse_now(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO date or date-time: {value!r}") from exc
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


class Command(BaseCommand):
    help = "Run the clock rules (verification flags, 12-month purge, lease expiry, IP removal)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would happen; change nothing.")
        parser.add_argument("--now", help="The date (and time) the rules apply, ISO 8601; default: now.")
        parser.add_argument(
            "--rule",
            action="append",
            choices=sorted(RULES),
            help="Run only this rule (repeatable); default: every rule but the backup.",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        now = parse_now(options["now"]) if options["now"] else timezone.now()
        names = options["rule"] or [name for name, rule in RULES.items() if rule.in_default_run]
        verbose = options["verbosity"] >= 2
        for name in names:

            def report(line: str) -> None:
                if verbose or not line.startswith(("delete person",)):
                    self.stdout.write(f"  {line}")

            run = run_rule(name, now=now, dry_run=options["dry_run"], batch_size=options["batch_size"], report=report)
            counts = ", ".join(f"{key}={value}" for key, value in sorted(run.counts.items())) or "nothing to do"
            prefix = "[dry run] " if options["dry_run"] else ""
            self.stdout.write(f"{prefix}{name}: {run.status}: {counts}")
