"""The runner of the clock rules (SPEC §3, R-RET-1): one mechanism for every rule.

A rule is one function registered with `@retention_rule("name")`; it receives a
`RuleContext` (the "now" it applies, dry-run or not, the batch size, counters) and works
in batches from `keyset_batches`. The runner gives every rule the same guarantees:

- a PostgreSQL advisory lock per rule (`pg_try_advisory_lock`), so two runs of one rule
  never overlap; a run that finds the lock taken records itself as "skipped";
- a `JobRun` row per run, with its counts and status, readable in the admin;
- each batch commits on its own, so a run killed half-way keeps what it finished, and
  because every rule selects by the *state* of the data ("verified before the cutoff",
  "not yet flagged"), a re-run picks up exactly what is left: idempotent and crash-safe.

Celery beat calls the tasks of `apps.retention.tasks`; `manage.py run_retention` calls
`run_rule` directly. HR retention and request reminders plug in by registering their rule
function here (and a beat entry and task, like the others).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils import timezone

from apps.retention.models import JobRun, JobStatus

DEFAULT_BATCH_SIZE = 2000


@dataclass
class RuleContext:
    rule: str
    now: dt.datetime
    dry_run: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    counts: Counter = field(default_factory=Counter)
    # Lines of "what would happen" (dry run) or "what happened", for the command's output.
    report: Callable[[str], None] = lambda line: None
    # Called after every committed batch; tests raise from it to simulate a crash.
    after_batch: Callable[[RuleContext], None] | None = None
    batches: int = 0

    def batch_done(self) -> None:
        self.batches += 1
        if self.after_batch is not None:
            self.after_batch(self)


@dataclass(frozen=True)
class Rule:
    name: str
    function: Callable[[RuleContext], None]
    # Run by `run_retention` without --rule; the backup has its own command too.
    in_default_run: bool = True
    # The models whose rows this rule deletes or blanks (labels, "prospects.person"): each
    # must be selected through `apps.retention.holds.exclude_held` (R-HOLD-1). `()` states
    # that the rule deletes nothing a legal hold can name; None is "not declared", which
    # tests/test_legal_hold.py refuses.
    deletes: tuple[str, ...] | None = None

    @property
    def description(self) -> str:
        return (self.function.__doc__ or "").strip().splitlines()[0] if self.function.__doc__ else self.name


RULES: dict[str, Rule] = {}


def retention_rule(
    name: str, *, deletes: tuple[str, ...] | None = None, in_default_run: bool = True
) -> Callable[[Callable], Callable]:
    """Register a clock rule: `@retention_rule("applicant_purge", deletes=("hr.applicant",))`
    over `def f(ctx): ...`; `deletes` names what it deletes or blanks (R-HOLD-1)."""

    def register(function: Callable[[RuleContext], None]) -> Callable[[RuleContext], None]:
        RULES[name] = Rule(name=name, function=function, in_default_run=in_default_run, deletes=deletes)
        return function

    return register


def lock_key(rule: str) -> int:
    """A stable 32-bit key per rule for the advisory lock."""
    return zlib.crc32(f"leadhunter.retention.{rule}".encode())


def run_rule(
    name: str,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    report: Callable[[str], None] | None = None,
    after_batch: Callable[[RuleContext], None] | None = None,
) -> JobRun:
    """Run one rule under its advisory lock and record the run; return the JobRun."""
    rule = RULES[name]
    ctx = RuleContext(
        rule=name,
        now=now or timezone.now(),
        dry_run=dry_run,
        batch_size=batch_size,
        report=report or (lambda line: None),
        after_batch=after_batch,
    )
    run = JobRun.objects.create(rule=name, started_at=timezone.now(), now=ctx.now, dry_run=dry_run)
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        locked = cursor.fetchone()[0]
    if not locked:
        run.status, run.finished_at = JobStatus.SKIPPED, timezone.now()
        run.save(update_fields=["status", "finished_at"])
        return run
    try:
        rule.function(ctx)
    except BaseException as exc:
        run.status, run.error = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        raise
    else:
        run.status = JobStatus.DONE
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        run.counts, run.finished_at = dict(ctx.counts), timezone.now()
        run.save(update_fields=["status", "error", "counts", "finished_at"])
    return run


def keyset_batches(qs: QuerySet, size: int, order_field: str | None = None) -> Iterator[list[Any]]:
    """Primary keys of `qs` in pages of `size`, by keyset pagination on (order_field, pk)
    or on pk alone: constant memory and no OFFSET, whatever the table size. Rows changed
    by the caller between pages are neither skipped nor seen twice. Ordering on
    (order_field, pk) wants an index on both (see Person/Company `*_verified_id_idx`)."""
    last: tuple[Any, ...] | None = None
    fields = (order_field, "pk") if order_field else ("pk",)
    while True:
        page = qs
        if last is not None:
            if order_field:
                # A row comparison (order_field, pk) > last: a range scan of the index on both.
                page = page.filter(TupleGreaterThan(Tuple(F(order_field), F("pk")), last))
            else:
                page = page.filter(pk__gt=last[0])
        rows = list(page.order_by(*fields).values_list(*fields)[:size])
        if not rows:
            return
        yield [row[-1] for row in rows]
        if len(rows) < size:
            return
        last = rows[-1]
