"""Pages at volume (issue 16 #6): the client's database page in keyset pages (every row once,
in order, forwards and back; a cursor is a row's own id, and one the user may not see is
the first page, never a 500 nor another tenant's row), the privacy officer's request list a
page at a time, and a fixed number of queries for each page whatever the number of rows.
(The progress page's own count: tests/test_supervisor_progress.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AccessAction, AccessLogEntry
from apps.prospects.models import Company, Prospect, ProspectStatus
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

ORDERINGS = ["company", "-company", "city", "-city", "status", "-status", "result", "-result", "called", "-called"]


def _database(world: World) -> str:
    return reverse("portal:database", args=[world.assignment.pk])


def _fill(world: World, n: int) -> None:
    """`n` more prospects with a spread of cities, statuses, last results and call times, some
    with the same company name (ties broken by the company's id)."""
    results = list(world.assignment.results.all())
    now = timezone.now()
    statuses = [ProspectStatus.NEW, ProspectStatus.IN_PROGRESS, ProspectStatus.DONE]
    for i in range(n):
        company = factories.CompanyFactory(name=f"Bedrijf {i % 37:02d}", city=["Ede", "Epe", "Zeist"][i % 3])
        factories.ProspectFactory(
            assignment=world.assignment,
            company=company,
            status=statuses[i % 3],
            last_result=None if i % 5 == 0 else results[i % len(results)],
            last_called_at=None if i % 4 == 0 else now - dt.timedelta(hours=i % 9),
            with_person=i % 2 == 0,
        )


def _walk(http, url: str, ordering: str) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    """Every page by its Next links, then back by Previous links: the ids in page order."""
    pages, params = [], {"ordering": ordering}
    while True:
        page = http.get(url, params).context["page"]
        pages.append([p.pk for p in page.object_list])
        if not page.next_after:
            break
        params = {"ordering": ordering, "after": str(page.next_after)}
    back = [pages[-1]]
    page = http.get(url, params).context["page"]
    while page.previous_before:
        page = http.get(url, {"ordering": ordering, "before": str(page.previous_before)}).context["page"]
        back.append([p.pk for p in page.object_list])
    return pages, list(reversed(back))


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_keyset_pages_show_every_row_once_in_order_forwards_and_back(world: World, ordering: str) -> None:
    _fill(world, 120)
    http = world.client_for("client_same_tenant")
    pages, back = _walk(http, _database(world), ordering)
    ids = [pk for page in pages for pk in page]
    assert len(ids) == len(set(ids)) == Prospect.objects.filter(assignment=world.assignment).count()
    assert all(len(page) == 50 for page in pages[:-1])
    assert [pk for page in back for pk in page] == ids  # the same rows, in the same order
    rows = {p.pk: p for p in Prospect.objects.filter(pk__in=ids).select_related("company", "last_result")}
    key = ordering.lstrip("-")
    descending = ordering.startswith("-")
    if key in ("status", "called"):
        values = [getattr(rows[pk], "status" if key == "status" else "last_called_at") for pk in ids]
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=descending)
        if key == "called":  # never called: last ascending, first descending
            nones = [i for i, v in enumerate(values) if v is None]
            expected = range(len(nones)) if descending else range(len(values) - len(nones), len(values))
            assert nones == list(expected)
    if key in ("company", "status", "result"):
        # Within one group of the first key, by company name, then by the company's id.
        def group(pk):  # type: ignore[no-untyped-def]
            p = rows[pk]
            return {"company": None, "status": p.status, "result": p.last_result_id}[key]

        for a, b in zip(ids, ids[1:], strict=False):
            if group(a) == group(b):
                pair = [(rows[x].company.name, str(rows[x].company_id)) for x in (a, b)]
                if key == "company" and descending:
                    pair.reverse()
                with connection.cursor() as cursor:  # the database's own collation decides
                    cursor.execute("SELECT (%s::text, %s::uuid) <= (%s::text, %s::uuid)", [*pair[0], *pair[1]])
                    assert cursor.fetchone()[0], pair


def test_a_cursor_is_the_rows_own_id_and_a_bad_one_is_the_first_page(world: World) -> None:
    _fill(world, 60)
    http = world.client_for("client_same_tenant")
    url = _database(world)
    first = [p.pk for p in http.get(url).context["page"].object_list]
    for bad in ("nonsense", "1' OR '1'='1", "", str(world.note.pk)):
        response = http.get(url, {"after": bad})
        assert response.status_code == 200
        assert [p.pk for p in response.context["page"].object_list] == first
    # Another tenant's record as the cursor: the first page, with a message; none of its values.
    response = http.get(url, {"after": str(world.other_prospect.pk)}, follow=True)
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == first
    assert "eerste pagina" in response.content.decode() or "first page" in response.content.decode()
    assert world.other_prospect.company.name.encode() not in response.content
    # The links carry ids of rows on this page only.
    page = http.get(url).context["page"]
    assert page.next_after in [p.pk for p in page.object_list]


@pytest.mark.parametrize("ordering", ["company", "result", "-called", "status"])
def test_database_page_queries_do_not_grow_with_rows(world: World, ordering: str) -> None:
    http = world.client_for("client_same_tenant")
    url = _database(world)

    def count(params: dict) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    def after_the_first_row() -> dict:
        # A page after a cursor that has rows under it, at either size (a cursor on the last
        # row shows an empty page: no persons to read, nothing to log, three queries fewer;
        # a row picked by name alone was sometimes the last in this ordering).
        first = http.get(url, {"ordering": ordering}).context["page"].object_list[0]
        return {"ordering": ordering, "after": str(first.pk)}

    http.get(url)
    few = count({"ordering": ordering}), count(after_the_first_row())
    _fill(world, 130)
    many = count({"ordering": ordering}), count(after_the_first_row())
    assert few == many, (few, many)


def _requests(n: int) -> list:
    now = timezone.now()
    return [
        factories.DataSubjectRequestFactory(confirmed=True, confirmed_at=now - dt.timedelta(days=i % 40))
        for i in range(n)
    ]


def test_request_list_is_paginated_and_logs_the_requests_shown(world: World) -> None:
    made = _requests(60)
    http = world.client_for("privacy_officer")
    url = reverse("privacy:requests")
    first = http.get(url)
    assert first.status_code == 200 and len(first.context["rows"]) == 50
    second = http.get(url, {"page": "2"})
    assert len(second.context["rows"]) == 10
    shown = [r["dsr"].pk for r in first.context["rows"]] + [r["dsr"].pk for r in second.context["rows"]]
    assert sorted(map(str, shown)) == sorted(str(r.pk) for r in made)  # every request once
    dues = [r["dsr"].due_at for r in first.context["rows"]]
    assert dues == sorted(dues)  # earliest deadline (overdue) first
    entries = AccessLogEntry.objects.filter(object_type="privacy.datasubjectrequest", action=AccessAction.LIST)
    assert sorted(len(e.object_ids) for e in entries) == [10, 50]
    for bad in ("999", "abc", "-1"):
        assert http.get(url, {"page": bad}).status_code == 200


def test_request_list_queries_do_not_grow_with_requests(world: World) -> None:
    http = world.client_for("privacy_officer")
    url = reverse("privacy:requests")
    _requests(3)
    http.get(url)
    with CaptureQueriesContext(connection) as few:
        http.get(url)
    _requests(80)
    with CaptureQueriesContext(connection) as many:
        response = http.get(url, {"page": "2"})
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_restricted_person_still_marked_on_a_keyset_page(world: World) -> None:
    _fill(world, 60)
    person = world.prospect.persons.get()
    type(person).objects.filter(pk=person.pk).update(restricted_at=timezone.now())
    Company.objects.filter(pk=world.prospect.company_id).update(name="Zzz laatste")
    http = world.client_for("client_same_tenant")
    url = _database(world)
    page = http.get(url).context["page"]
    body = http.get(url, {"after": str(page.next_after)}).content.decode()
    assert "Zzz laatste" in body and 'class="badge warn restricted"' in body
