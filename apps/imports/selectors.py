"""Reads of the client's database: one bounded set of queries per page, whatever the size."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.assignments.models import Assignment
from apps.imports.models import ImportIssue, ImportJob, IssueKind
from apps.prospects.models import Person, Prospect, ProspectPerson, ProspectStatus

# The sort orders of the database view (issue 16 #6: keyset pages). Each is a list of
# segments, read one after the other: a segment selects rows (a filter) and orders them by
# keys an index serves, so that a page is LIMIT 51 rows read in index order at any depth,
# never an OFFSET nor a sort of the whole list:
# - by company: prospects_company (name, id), (city, name, id) (`company_name_id_idx`,
#   `company_city_name_id_idx`); company_id is unique within an assignment, so it breaks ties;
# - by status or by last result: one segment per status / per result (in label order; the
#   never-called last, as ORDER BY label puts NULLs), each by company name;
# - by last called: the called ones by (last_called_at, company_id)
#   (`prospect_called_idx`), the never-called after them (before them descending) by name.
# A key is (field, descending).
Key = tuple[str, bool]
NAME: tuple[Key, ...] = (("company__name", False), ("company__id", False))
PAGE_ORDERINGS = ("company", "city", "status", "result", "called")

# The API's sort orders (an OFFSET-paginated list): name → ORDER BY.
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


@dataclass(frozen=True)
class Segment:
    where: Q
    keys: tuple[Key, ...]
    # Whether a row (its values as `_CURSOR_FIELDS`) falls in this segment.
    holds: Any


_CURSOR_FIELDS = (
    "status",
    "last_result_id",
    "last_called_at",
    "company__name",
    "company__city",
    "company_id",
    "company__id",
)
# The columns of the keys, for the row comparison: those of one index each (the ORM would
# write company__id as the prospect's company_id, which no index on the company holds).
_COLUMNS = {
    "company__name": '"prospects_company"."name"',
    "company__city": '"prospects_company"."city"',
    "company__id": '"prospects_company"."id"',
    "last_called_at": '"prospects_prospect"."last_called_at"',
    "company_id": '"prospects_prospect"."company_id"',
}


def prospect_segments(ordering: str, results: list[tuple[Any, str]]) -> list[Segment]:
    """The segments of `ordering` ("company", "-city", ...; unknown: "company"); `results`
    are the assignment's (id, label)."""
    descending = ordering.startswith("-")
    key = ordering.lstrip("-")
    key = key if key in PAGE_ORDERINGS else "company"
    if key in ("company", "city"):
        keys = (("company__city", False), *NAME) if key == "city" else NAME
        return [Segment(Q(), tuple((f, descending) for f, _d in keys), lambda row: True)]
    if key == "status":
        groups = sorted(ProspectStatus.values, reverse=descending)
        return [Segment(Q(status=g), NAME, lambda row, g=g: row["status"] == g) for g in groups]
    if key == "result":
        ordered = sorted(results, key=lambda r: (r[1].casefold(), r[1], r[0]), reverse=descending)
        segments = [
            Segment(Q(last_result_id=pk), NAME, lambda row, pk=pk: row["last_result_id"] == pk) for pk, _ in ordered
        ]
        never = Segment(Q(last_result__isnull=True), NAME, lambda row: row["last_result_id"] is None)
        return [never, *segments] if descending else [*segments, never]
    called = Segment(
        Q(last_called_at__isnull=False),
        (("last_called_at", descending), ("company_id", descending)),
        lambda row: row["last_called_at"] is not None,
    )
    never = Segment(Q(last_called_at__isnull=True), NAME, lambda row: row["last_called_at"] is None)
    return [never, called] if descending else [called, never]


def _after(part: QuerySet[Prospect], keys: tuple[Key, ...], row: dict[str, Any]) -> QuerySet[Prospect]:
    """`part` limited to the rows after `row` in the order of `keys` (all one direction): a
    row comparison on the columns of the segment's index."""
    columns = ", ".join(_COLUMNS[f] for f, _d in keys)
    marks = ", ".join("%s" for _k in keys)
    operator = "<" if keys[0][1] else ">"
    return part.extra(where=[f"({columns}) {operator} ({marks})"], params=[row[f] for f, _d in keys])  # noqa: S610


@dataclass
class KeysetPage:
    """One page of the database: its rows, and the rows to continue from (None: no such page)."""

    object_list: list[Prospect]
    next_after: Any = None
    previous_before: Any = None
    count: int = 0
    first: bool = True


def prospect_page(
    qs: QuerySet[Prospect],
    *,
    ordering: str,
    results: list[tuple[Any, str]],
    after: Any = None,
    before: Any = None,
    size: int = 50,
) -> KeysetPage:
    """A page of `qs` (prospect_list's filters, unordered) in `ordering`, after the row
    `after` or before the row `before` (a prospect id of the same assignment, looked up
    through `qs`'s visibility; None: the first page). Raises Prospect.DoesNotExist for a row
    that is not there (deleted, filtered out of view, another tenant's).

    A fixed number of queries whatever the size: the cursor row's keys (1), the ids of the
    page (1: each segment is its own LIMIT subquery, ordered by an index, in one UNION ALL),
    the rows (1) and their persons (1)."""
    reverse = before is not None
    cursor_id = before if reverse else after
    segments = prospect_segments(ordering, results)
    if reverse:
        segments = [Segment(s.where, tuple((f, not d) for f, d in s.keys), s.holds) for s in reversed(segments)]
    start, cursor_row = 0, None
    base = qs.order_by().prefetch_related(None)
    if cursor_id is not None:
        cursor_row = base.values(*_CURSOR_FIELDS).get(pk=cursor_id)
        start = next(i for i, s in enumerate(segments) if s.holds(cursor_row))
    parts, params = [], []
    for i, segment in enumerate(segments[start:], start):
        part = base.filter(segment.where)
        if cursor_row is not None and i == start:
            part = _after(part, segment.keys, cursor_row)
        order = [F(f).desc() if d else F(f).asc() for f, d in segment.keys]
        sql, part_params = part.order_by(*order).values_list("id")[: size + 1].query.sql_with_params()
        parts.append(f"SELECT {i} AS segment, row_number() OVER () AS n, s.id FROM ({sql}) s")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM ({' UNION ALL '.join(f'({p})' for p in parts)}) page ORDER BY segment, n LIMIT %s",  # noqa: S608
            [*params, size + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    more = len(ids) > size
    ids = ids[:size]
    if reverse:
        ids.reverse()
    rows = {p.pk: p for p in qs.filter(pk__in=ids).order_by()}
    object_list = [rows[pk] for pk in ids if pk in rows]
    page = KeysetPage(object_list=object_list)
    if object_list:
        if reverse:
            page.previous_before = object_list[0].pk if more else None
            page.next_after = object_list[-1].pk
        else:
            page.next_after = object_list[-1].pk if more else None
            page.previous_before = object_list[0].pk if cursor_id is not None else None
    page.first = page.previous_before is None
    return page


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
