"""Reads of the registers (R-REG-1, R-REG-2) and the statistics of the suppression list and
the erasure ledger. Every query is bounded: lists of the registers are small by nature
and prefetched in a fixed number of queries; the hash tables are only aggregated and
their latest rows read with a LIMIT."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.core.access import scope
from apps.privacy.models import SuppressionEntry
from apps.prospects.services import DeletionReason
from apps.registers.models import (
    AgreementTerm,
    Breach,
    ReportDecision,
    Subprocessor,
    SubprocessorAgreement,
    client_inform_within,
)
from apps.registers.terms import Term, exceeds, our_limit
from apps.retention.models import ErasureLedgerEntry, LedgerAction, LedgerRecord

LATEST = 20
MONTHS_SHOWN = 24


def subprocessor_list(*, user: Any) -> QuerySet:
    agreements = SubprocessorAgreement.objects.order_by("-signed_on").prefetch_related("terms")
    return scope(Subprocessor.objects.order_by("name", "pk"), user).prefetch_related(
        Prefetch("agreements", queryset=agreements)
    )


def agreements_of(*, subprocessor: Subprocessor) -> QuerySet:
    return subprocessor.agreements.order_by("-signed_on", "pk").prefetch_related("terms")


@dataclass(frozen=True)
class Excess:
    """A term of a current agreement that is longer than our own limit."""

    subprocessor: Subprocessor
    agreement: SubprocessorAgreement
    term: AgreementTerm
    limit: Term


def excesses(subprocessors: list[Subprocessor], today: dt.date) -> list[Excess]:
    """Terms of current agreements that exceed our periods as they are *now*: when our own
    periods are shortened (env var), agreements accepted before show up here. Works on
    prefetched subprocessors (no queries)."""
    found = []
    for subprocessor in subprocessors:
        for agreement in subprocessor.agreements.all():
            if not agreement.is_current(today):
                continue
            for term in agreement.terms.all():
                limit = our_limit(term.category)
                if limit is not None and exceeds(term.term, limit):
                    found.append(Excess(subprocessor, agreement, term, limit))
    return found


def excessive_terms(today: dt.date) -> list[tuple[AgreementTerm, Term]]:
    """All terms of current agreements longer than our limits (for the daily check)."""
    terms = (
        AgreementTerm.objects.select_related("agreement__subprocessor")
        .filter(Q(agreement__ended_on__isnull=True) | Q(agreement__ended_on__gt=today))
        .filter(Q(agreement__valid_until__isnull=True) | Q(agreement__valid_until__gte=today))
        .order_by("pk")
    )
    found = []
    for term in terms.iterator(chunk_size=500):
        limit = our_limit(term.category)
        if limit is not None and exceeds(term.term, limit):
            found.append((term, limit))
    return found


def breach_list(*, user: Any) -> QuerySet:
    """Open breaches not yet decided first (earliest deadline first), then the rest, newest first."""
    return (
        scope(Breach.objects.all(), user)
        .annotate(
            awaiting=Case(
                When(decision=ReportDecision.PENDING, closed_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("awaiting", Case(When(awaiting=0, then="discovered_at")), "-discovered_at", "pk")
        .prefetch_related("clients")
    )


def breach_clock(breach: Breach, now: dt.datetime) -> dict[str, Any]:
    """The 72-hour deadline of Art. 33 as shown: time left, or how long overdue."""
    remaining = breach.report_deadline - now
    overdue = remaining <= dt.timedelta(0)
    span = -remaining if overdue else remaining
    hours, rest = divmod(int(span.total_seconds()), 3600)
    return {
        "deadline": breach.report_deadline,
        "relevant": breach.awaiting_report,
        "overdue": overdue,
        "hours": hours,
        "minutes": rest // 60,
        "soon": not overdue and remaining <= dt.timedelta(hours=24),
    }


def notice_clock(notice: Any, now: dt.datetime) -> dict[str, Any]:
    """The clock of telling one affected client (issue 14 #6), shown like the 72 hours."""
    remaining = notice.deadline - now
    overdue = remaining <= dt.timedelta(0)
    span = -remaining if overdue else remaining
    hours, rest = divmod(int(span.total_seconds()), 3600)
    return {
        "deadline": notice.deadline,
        "relevant": notice.informed_at is None,
        "overdue": overdue,
        "hours": hours,
        "minutes": rest // 60,
        "soon": not overdue and remaining <= client_inform_within() / 4,
    }


# --- Suppression list and erasure ledger: counts only, no hashes ----------------------
def _stats(qs: QuerySet, date_field: str, now: dt.datetime) -> dict[str, Any]:
    since = (timezone.localtime(now) - dt.timedelta(days=31 * MONTHS_SHOWN)).replace(day=1)
    by_reason = list(qs.order_by().values("reason").annotate(count=Count("pk")).order_by("-count", "reason"))
    by_month = list(
        qs.filter(**{f"{date_field}__gte": since})
        .order_by()
        .annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    labels = {value: str(label) for value, label in DeletionReason.choices}
    for row in by_reason:
        row["label"] = labels.get(row["reason"], row["reason"])
    latest = list(qs.order_by(f"-{date_field}", "-pk").values("pk", "reason", date_field)[:LATEST])
    for row in latest:
        row["at"] = row.pop(date_field)
        row["label"] = labels.get(row["reason"], row["reason"])
    return {
        "total": sum(row["count"] for row in by_reason),
        "by_reason": by_reason,
        "by_month": by_month,
        "latest": latest,
    }


def suppression_stats(*, user: Any, now: dt.datetime) -> dict[str, Any]:
    return _stats(scope(SuppressionEntry.objects.all(), user), "created_at", now)


def ledger_stats(*, user: Any, now: dt.datetime) -> dict[str, Any]:
    return _stats(scope(ErasureLedgerEntry.objects.all(), user), "erased_at", now)


def ledger_record_counts(*, user: Any) -> list[dict[str, Any]]:
    """The other deletions and blankings in the ledger (R-DEL-2): a count per kind of record
    and action, the kind named by its model, never an id or a value."""
    from django.apps import apps

    rows = list(
        scope(LedgerRecord.objects.all(), user)
        .order_by()
        .values("kind", "action")
        .annotate(count=Count("pk"))
        .order_by("kind", "action")
    )
    actions = dict(LedgerAction.choices)
    for row in rows:
        try:
            row["kind_label"] = str(apps.get_model(row["kind"])._meta.verbose_name_plural).capitalize()
        except LookupError:
            row["kind_label"] = row["kind"]
        row["action_label"] = str(actions.get(row["action"], row["action"]))
    return rows
