"""R-LOG-1 (policy §3, "van alle raadplegingen wordt een logbestand gemaakt"): every page,
response and download that shows contact persons names them in the access log, and the
log can be read back per record (its holders) and per person (the privacy officer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AccessAction, AccessLogEntry
from apps.prospects.models import Person
from tests.conftest import World


def _persons_of(world: World, *prospects) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        str(pk) for pk in Person.objects.filter(prospect_links__prospect__in=prospects).values_list("pk", flat=True)
    }


def _logged_persons(since: int) -> set[str]:
    named: set[str] = set()
    for entry in AccessLogEntry.objects.filter(pk__gt=since, object_type="prospects.person"):
        named |= set(entry.object_ids) | ({entry.object_id} if entry.object_id else set())
    return named


def _api(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


# (name, role, request, which prospects' persons it shows). Every URL that shows contact
# persons belongs here; the matrix walks them all for access, this list for logging.
A = "client_same_tenant"
Walk = Callable[[World, HttpClient, APIClient], object]
PERSON_SHOWING: list[tuple[str, str, Walk, Callable[[World], tuple]]] = [
    ("portal:database", A, lambda w, h, a: h.get(reverse("portal:database", args=[w.assignment.pk])),
     lambda w: (w.prospect, w.unleased_prospect)),
    ("portal:prospect-edit", A, lambda w, h, a: h.get(reverse("portal:prospect-edit", args=[w.prospect.pk])),
     lambda w: (w.prospect,)),
    ("portal:prospect-edit (supervisor)", "supervisor",
     lambda w, h, a: h.get(reverse("portal:prospect-edit", args=[w.prospect.pk])), lambda w: (w.prospect,)),
    ("portal:export csv", A, lambda w, h, a: b"".join(h.get(reverse("portal:export", args=[w.assignment.pk, "csv"]))
                                                      .streaming_content),
     lambda w: (w.prospect, w.unleased_prospect)),
    ("api:assignment-export xlsx", A,
     lambda w, h, a: a.get(f"/api/v1/assignments/{w.assignment.pk}/export/?format=xlsx"),
     lambda w: (w.prospect, w.unleased_prospect)),
    ("api:prospect-list", A, lambda w, h, a: a.get(f"/api/v1/assignments/{w.assignment.pk}/prospects/"),
     lambda w: (w.prospect, w.unleased_prospect)),
    ("api:prospect-detail GET", A, lambda w, h, a: a.get(f"/api/v1/prospects/{w.prospect.pk}/"),
     lambda w: (w.prospect,)),
    ("api:prospect-detail PATCH", A,
     lambda w, h, a: a.patch(f"/api/v1/prospects/{w.prospect.pk}/", {"extra": {}}, format="json"),
     lambda w: (w.prospect,)),
    ("api:prospect-detail GET (agent)", "agent_with_lease",
     lambda w, h, a: a.get(f"/api/v1/prospects/{w.prospect.pk}/"), lambda w: (w.prospect,)),
    ("calling:screen", "agent_with_lease", lambda w, h, a: h.get(reverse("calling:screen", args=[w.prospect.pk])),
     lambda w: (w.prospect,)),
    ("api:assignment-next", "agent_with_lease",
     lambda w, h, a: a.post(f"/api/v1/assignments/{w.assignment.pk}/next/"), lambda w: (w.prospect,)),
    ("admin person list", "administrator", lambda w, h, a: h.get(reverse("admin:prospects_person_changelist")),
     lambda w: (w.prospect, w.unleased_prospect, w.other_prospect)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "role", "walk", "shown"), PERSON_SHOWING, ids=[row[0] for row in PERSON_SHOWING])
def test_every_person_showing_url_logs_the_persons_it_shows(world: World, name, role, walk, shown) -> None:  # type: ignore[no-untyped-def]
    since = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = walk(world, world.client_for(role), _api(world, role))
    assert getattr(response, "status_code", 200) == 200, name
    expected = _persons_of(world, *shown(world))
    assert expected and expected <= _logged_persons(since), name
    # "Through what": every entry names the page or endpoint.
    assert all(e.via for e in AccessLogEntry.objects.filter(pk__gt=since)), name


def test_a_page_logs_its_prospects_and_persons_in_one_insert(world: World, django_assert_num_queries) -> None:
    from apps.audit.services import access_log_shown
    from apps.prospects.models import Prospect

    with django_assert_num_queries(1):
        entries = access_log_shown(
            actor=world.users[A],
            action=AccessAction.LIST,
            shown={Prospect: [world.prospect.pk, world.unleased_prospect.pk], Person: [world.person.pk]},
            assignment_id=world.assignment.pk,
        )
    assert [(e.object_type, e.object_count) for e in entries] == [("prospects.prospect", 2), ("prospects.person", 1)]


def test_record_history_shows_who_consulted_the_record_and_its_persons(world: World) -> None:
    agent = world.users["agent_with_lease"]
    world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk]))
    http = world.client_for(A)
    response = http.get(reverse("portal:prospect-access", args=[world.prospect.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    # Ids, roles and the page they used; the client never gets IP addresses.
    assert f"<td>{agent.pk}</td>" in body and "calling:screen" in body
    assert "127.0.0.1" not in body
    # Reading the history is itself a consultation of the record.
    assert AccessLogEntry.objects.filter(
        object_type="prospects.prospect", object_id=str(world.prospect.pk), via="portal:prospect-access"
    ).exists()


def test_record_history_never_shows_another_tenants_work_on_a_shared_person(world: World) -> None:
    """An entry naming the person in Globex's assignment stays out of Acme's page. Person
    records are per client now (R-IMP-4), but entries written while a record was shared
    (before migration prospects/0004) still name one id in both tenants' assignments."""
    globex = world.users["client_other_tenant"]
    AccessLogEntry.objects.create(
        at=timezone.now(), actor_id=globex.pk, action=AccessAction.VIEW, object_type="prospects.person",
        object_id=str(world.person.pk), assignment_id=world.other_assignment.pk, via="portal:prospect-edit",
    )  # fmt: skip
    body = world.client_for(A).get(reverse("portal:prospect-access", args=[world.prospect.pk])).content.decode()
    assert f"<td>{globex.pk}</td>" not in body and str(world.other_assignment.pk) not in body
    # Globex cannot open Acme's history: the 404 of a record that does not exist.
    assert (
        world.client_for("client_other_tenant")
        .get(reverse("portal:prospect-access", args=[world.prospect.pk]))
        .status_code
        == 404
    )


def test_person_history_for_the_privacy_officer_with_ip_only_within_four_weeks(world: World) -> None:
    pid = str(world.person.pk)
    now = timezone.now()
    for days, ip in ((1, "192.0.2.10"), (40, "192.0.2.99")):  # the second is past its 4 weeks (uncleared)
        AccessLogEntry.objects.create(
            at=now - dt.timedelta(days=days), actor_id=world.users["supervisor"].pk, action=AccessAction.LIST,
            object_type="prospects.person", object_ids=["x", pid], object_count=2, ip_address=ip,
            via="api:prospect-list",
        )  # fmt: skip
    http = world.client_for("privacy_officer")
    body = http.get(reverse("privacy_case:person-access", args=[pid])).content.decode()
    assert "192.0.2.10" in body and "192.0.2.99" not in body
    assert body.count("api:prospect-list") == 2  # the older entry is listed, without its address
    assert AccessLogEntry.objects.filter(object_id=pid, via="privacy_case:person-access").exists()


def test_person_history_is_paginated(world: World) -> None:
    pid = str(world.person.pk)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(at=timezone.now(), actor_id=None, action=AccessAction.VIEW, object_type="prospects.person",
                       object_id=pid, via="calling:screen")
        for _ in range(60)
    )  # fmt: skip
    http = world.client_for("privacy_officer")
    first = http.get(reverse("privacy_case:person-access", args=[pid])).content.decode()
    second = http.get(reverse("privacy_case:person-access", args=[pid]) + "?page=2").content.decode()
    # 50 rows a page; the newest is the officer's own look at this page (it is logged too).
    assert first.count("<tr><td>") == 50 and "privacy_case:person-access" in first
    assert second.count("<tr><td>") == 12  # 60 + the two looks at the pages themselves


def test_download_log_is_written_by_the_database_and_skips_empty_kinds(world: World) -> None:
    from apps.imports import exports

    since = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    exports.export_log(assignment=world.inactive_assignment, actor=world.users[A])  # holds nothing
    assert not AccessLogEntry.objects.filter(pk__gt=since).exists()
    exports.export_log(assignment=world.assignment, actor=world.users[A])
    entries = {e.object_type: e for e in AccessLogEntry.objects.filter(pk__gt=since)}
    assert set(entries["prospects.prospect"].object_ids) == {str(world.prospect.pk), str(world.unleased_prospect.pk)}
    assert set(entries["prospects.person"].object_ids) == _persons_of(world, world.prospect, world.unleased_prospect)
    assert entries["prospects.person"].object_count == 2 and entries["prospects.person"].action == AccessAction.DOWNLOAD
