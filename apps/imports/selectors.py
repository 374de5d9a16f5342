"""Reads of the client's database: one bounded set of queries per page, whatever the size."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.assignments.models import Assignment
from apps.imports.models import ImportIssue, ImportJob, IssueKind
from apps.prospects.models import Person, Prospect, ProspectPerson, ProspectStatus

# The sort orders of the database view: name → ORDER BY.
PROSPECT_ORDERINGS = {
    "company": ("company__name", "id"),
    "-company": ("-company__name", "-id"),
    "city": ("company__city", "company__name", "id"),
    "-city": ("-company__city", "-company__name", "-id"),
    "status": ("status", "company__name", "id"),
    "-status": ("-status", "company__name", "id"),
    "result": ("last_result__label", "company__name", "id"),
    "-result": ("-last_result__label", "company__name", "id"),
    "called": ("last_called_at", "company__name", "id"),
    "-called": ("-last_called_at", "company__name", "id"),
}


def _persons() -> Prefetch:
    return Prefetch("persons", queryset=Person.objects.order_by("last_name", "first_name", "id"))


def prospect_list(
    *,
    assignment: Assignment,
    user: Any,
    status: str = "",
    result: str = "",
    ordering: str = "",
    search: str = "",
    import_id: Any = None,
) -> QuerySet[Prospect]:
    """The database of an assignment the caller may supervise, filtered by status, last
    result (code), the import that last brought the record, and a search in the client's
    own data: company name, city, postcode and person name (never note text, R-NOTE-1);
    sorted by one of PROSPECT_ORDERINGS."""
    qs = (
        Prospect.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("company", "last_result")
        .prefetch_related(_persons())
    )
    if status in ProspectStatus.values:
        qs = qs.filter(status=status)
    if result == "none":
        qs = qs.filter(last_result__isnull=True)
    elif result:
        qs = qs.filter(last_result__code=result)
    if import_id:
        qs = qs.filter(import_job_id=import_id)
    search = " ".join(search.split())
    if search:
        compact = search.replace(" ", "")
        persons = (
            ProspectPerson.objects.filter(prospect=OuterRef("pk"))
            .alias(full_name=Concat("person__first_name", Value(" "), "person__last_name"))
            .filter(
                Q(person__first_name__icontains=search)
                | Q(person__last_name__icontains=search)
                | Q(full_name__icontains=search)
            )
        )
        qs = qs.alias(postcode_compact=Replace("company__postcode", Value(" "), Value(""))).filter(
            Q(company__name__icontains=search)
            | Q(company__city__icontains=search)
            | Q(postcode_compact__icontains=compact)
            | Exists(persons)
        )
    return qs.order_by(*PROSPECT_ORDERINGS.get(ordering, PROSPECT_ORDERINGS["company"]))


def prospect_with_persons(prospect_id: Any) -> Prospect:
    return (
        Prospect.objects.select_related("company", "assignment", "last_result")
        .prefetch_related(_persons())
        .get(pk=prospect_id)
    )


def import_list(*, assignment: Assignment) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(assignment=assignment).select_related("uploaded_by").order_by("-created_at")[:20]


# The remarks the import page lists; the rest are counted ("and N more") and downloaded.
ISSUES_SHOWN = 200


@dataclass(frozen=True)
class IssueRow:
    row_number: int
    column: str  # "E · Aantal medewerkers", or "" for a remark on the whole row
    kind: str
    reason: str


def _column_name(headers: list[str], column: int | None) -> str:
    if column is None:
        return ""
    letters, number = "", column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    header = headers[column] if column < len(headers) else ""
    return f"{letters} · {header}" if header else letters


def import_issues(*, job: ImportJob, limit: int | None = ISSUES_SHOWN) -> Iterator[IssueRow]:
    """An import's remarks by row (R-IMP-2, R-IMP-8, issue 12 #8), with the file's column
    letter and header; `limit=None` streams them all (the download), in batches. Imports from
    before the remarks had their own table list their stored `row_errors`."""
    if not job.issues_total and job.row_errors:
        for number, reason in job.row_errors[:limit]:
            yield IssueRow(number, "", "", reason)
        return
    rows = ImportIssue.objects.filter(job=job).order_by("row_number", "id")
    rows = rows.values_list("row_number", "column", "kind", "reason")
    labels = dict(IssueKind.choices)
    for number, column, kind, reason in rows[:limit] if limit is not None else rows.iterator(chunk_size=5000):
        yield IssueRow(number, _column_name(job.headers, column), str(labels.get(kind, kind)), reason)


MERGE_KEYS = {
    "kvk": gettext_lazy("same KvK number"),
    "domain": gettext_lazy("same website"),
    "name_postcode": gettext_lazy("same name and postcode"),
    "name_address": gettext_lazy("same name, street and city"),
    "name": gettext_lazy("same name"),
}


def import_merge_lines(*, job: ImportJob) -> list[str]:
    """What the report says of rows that named a company already named (issue 12 #1): how
    many rows, and by which key."""
    merges = job.merges or {}
    lines = []

    def why(counts: dict[str, int]) -> str:
        return ", ".join(f"{MERGE_KEYS[k]} {counts[k]}" for k in MERGE_KEYS if counts.get(k))

    # Plain gettext, no plurals (the Dutch table, locale/nl.py, has none): "label: count".
    in_file = merges.get("file") or {}
    if total := sum(in_file.values()):
        lines.append(
            _("Rows merged with another row of this file (the same company): %(count)d (%(why)s).")
            % {"count": total, "why": why(in_file)}
        )
    existing = merges.get("existing") or {}
    if total := sum(existing.values()):
        lines.append(
            _("Rows merged into companies already known: %(count)d (%(why)s).") % {"count": total, "why": why(existing)}
        )
    if total := merges.get("assignment") or 0:
        lines.append(
            _("Rows naming a company already in this assignment, its record completed and not doubled: %(count)d.")
            % {"count": total}
        )
    return lines


def differences_to_verify(*, company: Any = None, person: Any = None) -> QuerySet:
    """Uploaded values that differ from a recently verified shared value (R-IMP-3/4): what
    the call screen shows as "to verify" next to the company or person."""
    from apps.imports.models import Difference

    qs = Difference.objects.order_by("field", "-created_at")
    if company is not None:
        return qs.filter(company=company)
    if person is not None:
        return qs.filter(person=person)
    return qs.none()
