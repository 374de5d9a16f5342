"""Read the bodies of every URL of the permission matrix (issue 11 #2; R-CALL-3, R-NTK-1, R-DEL-1).

The permission matrix proves who gets which status code; this walk reads what comes back.
Every row of `FULL_MATRIX` (tests/test_permission_matrix.py, tests/matrix/*.py) is walked,
so a new URL is read here as soon as it has its row:

1. as the agent holding the lease on a prospect with a flagged person (verified more than
   6 months ago) and an unflagged one: GET and POST, plain and as htmx, redirects followed,
   plus the posts that carry data (next, calls, verify, add, company): no body holds the
   flagged person's email or phone in any notation (R-CALL-3), while the unflagged
   person's do show (the walk sees data);
2. as Acme's client user: no body holds a value that only Globex has (names, emails,
   phones, company data, extra columns, notes, assignment, client contact) (R-NTK-1);
3. as every role, after a person was deleted: no body holds their name, email or phone
   (R-DEL-1).

Each request runs in a savepoint that is rolled back, so a post (a verification, a
deletion) cannot change what the next request of the walk reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.prospects.models import Company, Person, Prospect, ProspectPerson
from apps.prospects.services import DeletionReason, person_delete
from tests import factories
from tests.bodies import HTMX, Values, email_texts, read
from tests.conftest import ROLES, World, build_world
from tests.test_permission_matrix import FULL_MATRIX

KEYS = sorted(FULL_MATRIX)


# --- The world ---------------------------------------------------------------------------
@dataclass
class BodyWorld:
    world: World
    flagged: Person
    control: Person
    flagged_values: Values
    control_values: Values
    globex_only: Values
    erased: Values


def _set(obj, **values) -> None:  # type: ignore[no-untyped-def]
    type(obj).objects.filter(pk=obj.pk).update(**values)
    obj.refresh_from_db()


def build_body_world() -> BodyWorld:
    w = build_world()
    now = timezone.now()

    # On the leased prospect: the matrix's target person as the unflagged control, and a
    # flagged person; both with values found nowhere else.
    control = w.person
    _set(control, first_name="Carla", last_name="Controlema", email="carla.controlema@control.example",
         phone="+31611122233")  # fmt: skip
    flagged = factories.PersonFactory(
        client=w.prospect.assignment.client, company=w.company,
        first_name="Fenna", last_name="Verloopstra", email="fenna.verloopstra@flagged.example",
        phone="+31687654329", verified_at=now - dt.timedelta(days=200),
    )  # fmt: skip
    ProspectPerson.objects.create(prospect=w.prospect, person=flagged)
    assert flagged.needs_verification(now) and not control.needs_verification(now)

    # A person of the same prospect who is then deleted (left the company), after being
    # seen, logged, and written into one of the client's cells.
    erased = factories.PersonFactory(
        client=w.prospect.assignment.client, company=w.company,
        first_name="Evert", last_name="Gewistra", email="evert.gewistra@erased.example",
        phone="+31655566677",
    )  # fmt: skip
    ProspectPerson.objects.create(prospect=w.prospect, person=erased)
    w.assignment.extra_columns = ["Opmerking", "Terugbellen", "Contact 2"]
    w.assignment.save(update_fields=["extra_columns"])
    # The client's own cells may name the flagged person: the client sees them, an agent never.
    _set(w.prospect, extra={"Opmerking": flagged.email, "Terugbellen": "06-87654329", "Contact 2": erased.email})
    http = w.client_for("client_same_tenant")
    assert http.get(reverse("api:prospect-detail", args=[w.prospect.pk])).status_code == 200
    person_delete(person=erased, reason=DeletionReason.LEFT_COMPANY, actor=w.users["client_same_tenant"])

    # Globex's own data, with values Acme has nowhere.
    other_company = w.other_prospect.company
    _set(other_company, name="Quaxcorp Globexonly BV", kvk_number="87654321", city="Quaxstad", street="Quaxlaan",
         phone="+31207654321", website="https://quaxcorp-globexonly.example")  # fmt: skip
    _set(w.other_person, first_name="Zebulon", last_name="Quaxwright", email="zebulon.quaxwright@globex-only.example",
         phone="+31201234987", job_title="Hoofd Quaxzaken")  # fmt: skip
    w.other_assignment.name, w.other_assignment.extra_columns = "Globex Quaxcampagne", ["Geheim"]
    w.other_assignment.save(update_fields=["name", "extra_columns"])
    _set(w.other_prospect, extra={"Geheim": "globex-extra-waarde-7781"})
    factories.CallNoteFactory(  # notes are immutable (R-NOTE-3): a second one
        prospect=w.other_prospect, agent=w.users["agent_other_assignment"], text="Gesproken: quaxwright-notitie."
    )
    _set(w.other_contact, first_name="Gloria", last_name="Globexcontactia", email="gloria@globexcontactia.example")
    assert not Prospect.objects.filter(assignment__client=w.acme, company=other_company).exists()

    return BodyWorld(
        world=w,
        flagged=flagged,
        control=control,
        flagged_values=Values(texts=email_texts(flagged.email), phones=(flagged.phone,)),
        control_values=Values(texts=email_texts(control.email), phones=(control.phone,)),
        globex_only=Values(
            texts=(
                "Quaxcorp",
                "87654321",
                "Quaxstad",
                "Quaxlaan",
                "quaxcorp-globexonly",
                "Zebulon",
                "Quaxwright",
                *email_texts(w.other_person.email),
                "Hoofd Quaxzaken",
                "Quaxcampagne",
                "globex-extra-waarde-7781",
                "quaxwright-notitie",
                "Globexcontactia",
            ),
            phones=(w.other_person.phone, other_company.phone),
        ),  # fmt: skip
        erased=Values(texts=("Gewistra", *email_texts(erased.email)), phones=(erased.phone,)),
    )


@pytest.fixture(scope="module")
def bw(django_db_setup, django_db_blocker) -> Iterator[BodyWorld]:  # type: ignore[no-untyped-def]
    """Built once per module in a transaction rolled back at the end (as the matrix's world)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_body_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- Walking -----------------------------------------------------------------------------
def _walk(http: HttpClient, url: str, methods: tuple[str, ...], htmx: bool) -> Iterator[tuple[str, str]]:
    for method in methods:
        yield method, read(http, method, url)
        if htmx:
            yield f"{method} (htmx)", read(http, method, url, **HTMX)


def _assert_none(values: Values, bodies: Iterator[tuple[str, str]], what: str, erased: Values) -> None:
    """None of `values` in any body; nor anything of the deleted person (R-DEL-1), checked
    on the same bodies so that the walk runs once."""
    for how, body in bodies:
        found = values.found_in(body)
        assert not found, f"{how} {what}: {found} in the body"
        gone = erased.found_in(body)
        assert not gone, f"{how} {what}: {gone} of a deleted person in the body"


@pytest.mark.parametrize("key", KEYS)
def test_no_agent_body_holds_a_flagged_persons_contact_details(bw: BodyWorld, db: None, key: str) -> None:
    w = bw.world
    url = FULL_MATRIX[key].url(w)
    http = w.client_for("agent_with_lease")
    _assert_none(bw.flagged_values, _walk(http, url, ("get", "post"), htmx=True), f"{url} as the agent", bw.erased)


def _agent_posts_with_data(bw: BodyWorld) -> Iterator[tuple[str, str]]:
    """The agent's posts that carry data and answer with persons: R-CALL-1…3 and the API."""
    w = bw.world
    http = w.client_for("agent_with_lease")
    prospect, control = w.prospect, bw.control
    company_form = {
        "name": w.company.name, "kvk_number": w.company.kvk_number, "postcode": w.company.postcode,
        "city": w.company.city, "status": w.company.status,
    }  # fmt: skip
    posts = [
        ("api:assignment-next", [w.assignment.pk], {}),
        ("calling:next", [w.assignment.pk], {}),
        ("api:prospect-calls", [prospect.pk], {"result": "no-answer", "text": "Geen gehoor."}),
        ("calling:call", [prospect.pk], {"result": w.assignment.results.get(code="no-answer").pk, "text": "."}),
        ("calling:person-verify", [prospect.pk, control.pk], {f"{control.pk}-job_title": "Inkoper"}),
        ("api:person-verify", [control.pk], {"job_title": "Inkoper"}),
        ("calling:person-add", [prospect.pk], {"add-first_name": "Nieuwe", "add-last_name": "Collega"}),
        ("calling:company", [prospect.pk], company_form),
    ]
    for name, args, data in posts:
        url = reverse(name, args=args)
        yield f"POST {url}", read(http, "post", url, data)
        yield f"POST {url} (htmx)", read(http, "post", url, data, **HTMX)


def test_no_agent_post_with_data_answers_a_flagged_persons_contact_details(bw: BodyWorld, db: None) -> None:
    _assert_none(bw.flagged_values, _agent_posts_with_data(bw), "as the agent", bw.erased)


def test_the_agent_walk_sees_the_unflagged_persons_details(bw: BodyWorld, db: None) -> None:
    """The control: the same walk finds the unflagged person's email and phone (the screen
    shows the phone in national notation, R-DIAL-1), so finding nothing above means something."""
    w = bw.world
    http = w.client_for("agent_with_lease")
    for key in ("calling:screen", "api:prospect-detail"):
        body = read(http, "get", FULL_MATRIX[key].url(w))
        assert set(bw.control_values.found_in(body)) >= {bw.control.email, bw.control.phone}, key
        assert bw.flagged.last_name in body, key  # the flagged person is there, named
    posts = dict(_agent_posts_with_data(bw))
    assert any(bw.control.email in body for body in posts.values())


def test_the_client_sees_the_flagged_persons_details(bw: BodyWorld, db: None) -> None:
    """The values the agent walk looks for are in the database holders' bodies."""
    w = bw.world
    body = read(w.client_for("client_same_tenant"), "get", FULL_MATRIX["api:prospect-detail"].url(w))
    assert set(bw.flagged_values.found_in(body)) >= {bw.flagged.email, bw.flagged.phone}


@pytest.mark.parametrize("key", KEYS)
def test_no_client_body_holds_a_value_of_another_tenant(bw: BodyWorld, db: None, key: str) -> None:
    w = bw.world
    url = FULL_MATRIX[key].url(w)
    http = w.client_for("client_same_tenant")
    bodies = _walk(http, url, ("get", "post"), htmx=True)
    _assert_none(bw.globex_only, bodies, f"{url} as Acme's client user", bw.erased)


def test_the_tenant_walk_sees_globex_values_as_globex(bw: BodyWorld, db: None) -> None:
    """The control: Globex's own user reads those values on the same kind of page."""
    w = bw.world
    http = w.client_for("client_other_tenant")
    body = read(http, "get", reverse("api:prospect-detail", args=[w.other_prospect.pk]))
    assert {"Quaxcorp", "Quaxwright", w.other_person.phone, "globex-extra-waarde-7781"} <= set(
        bw.globex_only.found_in(body)
    )


# The agent and the client user are walked above; these are the other roles that see
# Acme's data. The rest see none of it (the matrix: 404, 403 or the login page).
STAFF_WHO_SEE_ACME = ("supervisor", "administrator", "privacy_officer")


@pytest.mark.parametrize("key", KEYS)
def test_no_staff_body_holds_a_deleted_persons_values(bw: BodyWorld, db: None, key: str) -> None:
    w = bw.world
    url = FULL_MATRIX[key].url(w)
    for role in STAFF_WHO_SEE_ACME:
        http = w.client_for(role)
        _assert_none(Values(), _walk(http, url, ("get", "post"), htmx=False), f"{url} as {role}", bw.erased)


def test_the_walks_cover_every_role_that_sees_the_target_assignment() -> None:
    from tests.matrix import SEES_TARGET_ASSIGNMENT

    walked = {"agent_with_lease", "client_same_tenant", *STAFF_WHO_SEE_ACME}
    assert SEES_TARGET_ASSIGNMENT - {"agent_without_lease"} <= walked <= set(ROLES)


def test_the_deleted_person_is_gone_from_the_rows_the_walk_reads(bw: BodyWorld, db: None) -> None:
    """The control: nothing of the erased person is left in the rows the walk reads from."""
    w = bw.world
    assert not Person.objects.filter(last_name="Gewistra").exists()
    w.prospect.refresh_from_db()
    assert w.prospect.extra["Contact 2"] == ""  # the whole cell that named them is emptied
    assert not CallNote.objects.filter(text__icontains="Gewistra").exists()
    assert not ClientContact.objects.filter(last_name="Gewistra").exists()
    assert Company.objects.filter(pk=w.company.pk).exists()


@pytest.mark.parametrize(
    "written",
    ["+31687654329", "+31 6 87654329", "0031687654329", "06-87654329", "(06) 876 543 29", "tel:%2B31687654329"],
)
def test_a_phone_is_found_in_any_notation(written: str) -> None:
    assert Values(phones=("+31687654329",)).found_in(f"<td>{written}</td>") == ["+31687654329"]


def test_another_phone_is_not_found() -> None:
    assert Values(phones=("+31687654329",)).found_in("06-87654328 · +31 6 8765432") == []


def test_a_downloaded_workbook_is_read(bw: BodyWorld, db: None) -> None:
    """The walk reads .xlsx downloads too: the client's file holds the flagged person's email."""
    w = bw.world
    url = reverse("portal:export", args=[w.assignment.pk, "xlsx"])
    assert bw.flagged.email in read(w.client_for("client_same_tenant"), "get", url)
