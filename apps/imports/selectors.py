"""Reads of the client's database: one bounded set of queries per page, whatever the size."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Replace

from apps.assignments.models import Assignment
from apps.imports.models import ImportJob
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
