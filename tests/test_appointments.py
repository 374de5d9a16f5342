"""Structured appointments (R-APPT-1): made on the call screen or through the API by the agent
holding the lease; listed for the client and the supervisors, in the download and as CSV, sent
to the account manager as an .ics invitation. Tenant A never sees tenant B's (R-NTK-1)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.appointments.models import Appointment, InformationRequest
from apps.appointments.services import _ics_fold, _ics_text, appointment_ics
from apps.callnotes.models import CallNote
from apps.prospects.models import Lease, Person
from apps.prospects.services import DeletionReason, person_delete
from tests.conftest import World
from tests.factories import AppointmentFactory, CallNoteFactory, ClientContactFactory, PersonFactory

FORMAT = "%Y-%m-%dT%H:%M"


def _post_appointment(world: World, **overrides: object):  # type: ignore[no-untyped-def]
    starts = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "result": world.assignment.results.get(code="appointment").pk,
        "text": "Afspraak gemaakt",
        "appointment_at": starts.strftime(FORMAT),
        "appointment_kind": "on_site",
        "appointment_person": world.person.pk,
        "appointment_manager": world.contact.pk,
    } | overrides
    return world.client_for("agent_with_lease").post(reverse("calling:call", args=[world.prospect.pk]), data)


@pytest.fixture
def eager(settings):  # type: ignore[no-untyped-def]
    from leadhunter.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_agent_books_an_appointment_and_the_account_manager_gets_the_invitation(
    world: World, eager, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    Lease.objects.filter(pk=world.lease.pk).update(leased_at=timezone.now() - dt.timedelta(minutes=4))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_appointment(world)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.kind, appointment.person, appointment.account_manager, appointment.prospect) == (
        "on_site",
        world.person,
        world.contact,
        world.prospect,
    )
    # The handle time runs from the moment the prospect was handed out (R-DIAL-1).
    assert 235 <= appointment.note.handle_seconds <= 300
    assert appointment.invitation_sent_at is not None
    (message,) = mail.outbox
    assert message.to == [world.contact.email]
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content and f"UID:{appointment.pk}@leadhunter" in content
    assert f"mailto:{world.contact.email}" in content.replace("\r\n ", "")


def test_appointment_result_without_its_fields_writes_nothing(world: World) -> None:
    response = _post_appointment(world, appointment_at="", appointment_person="")
    assert response.status_code == 400
    assert "Geef de datum en tijd van de afspraak" in response.content.decode()
    assert not CallNote.objects.filter(text="Afspraak gemaakt").exists()
    assert Lease.objects.filter(pk=world.lease.pk).exists()


@pytest.mark.parametrize("field", ["appointment_person", "appointment_manager"])
def test_appointment_with_another_tenants_person_or_contact_is_refused(world: World, field: str) -> None:
    foreign = world.other_person.pk if field == "appointment_person" else world.other_contact.pk
    response = _post_appointment(world, **{field: foreign})
    assert response.status_code == 400
    assert not Appointment.objects.exists() and not CallNote.objects.filter(text="Afspraak gemaakt").exists()


def test_appointment_in_the_past_is_refused(world: World) -> None:
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime(FORMAT)
    assert _post_appointment(world, appointment_at=past).status_code == 400
    assert not Appointment.objects.exists()


def test_api_records_an_appointment_and_lists_it_for_the_client_only(world: World) -> None:
    agent = APIClient()
    agent.force_authenticate(world.users["agent_with_lease"])
    body = {
        "result": "appointment",
        "appointment": {
            "starts_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
            "kind": "video",
            "person": str(world.person.pk),
            "account_manager": str(world.contact.pk),
        },
    }
    response = agent.post(reverse("api:prospect-calls", args=[world.prospect.pk]), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["handle_seconds"] is not None

    client = APIClient()
    client.force_authenticate(world.users["client_same_tenant"])
    listed = client.get(reverse("api:assignment-appointments", args=[world.assignment.pk])).json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["kind"], row["person"]["id"], row["account_manager"]["id"]) == (
        "video",
        str(world.person.pk),
        str(world.contact.pk),
    )


def test_api_refuses_an_appointment_with_another_result(world: World) -> None:
    agent = APIClient()
    agent.force_authenticate(world.users["agent_with_lease"])
    body = {
        "result": "not-interested",
        "appointment": {
            "starts_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
            "kind": "video",
            "person": str(world.person.pk),
        },
    }
    response = agent.post(reverse("api:prospect-calls", args=[world.prospect.pk]), body, format="json")
    assert response.status_code == 400
    assert not CallNote.objects.filter(prospect=world.prospect, result__code="not-interested").exists()


def _globex_appointment(world: World) -> Appointment:
    note = CallNoteFactory(prospect=world.other_prospect, agent=world.users["agent_other_assignment"])
    return AppointmentFactory(note=note, account_manager=world.other_contact)


def test_other_tenant_sees_nothing_of_an_appointment(world: World) -> None:
    """R-NTK-1: list, API, download and .ics of Acme's appointment are "not found" for Globex,
    the same as an id that does not exist; Globex's own list holds only its own."""
    acme = AppointmentFactory(note=world.note)
    own = _globex_appointment(world)
    http = world.client_for("client_other_tenant")
    missing = "00000000-0000-0000-0000-000000000000"
    for name, target in [
        ("appointments:list", world.assignment.pk),
        ("appointments:download", world.assignment.pk),
        ("appointments:invitation", acme.pk),
    ]:
        response = http.get(reverse(name, args=[target]))
        assert response.status_code == 404
        assert response.content == http.get(reverse(name, args=[missing])).content
    api = APIClient()
    api.force_authenticate(world.users["client_other_tenant"])
    assert api.get(reverse("api:assignment-appointments", args=[world.assignment.pk])).status_code == 404
    listed = api.get(reverse("api:assignment-appointments", args=[world.other_assignment.pk])).json()
    assert [r["id"] for r in listed["results"]] == [str(own.pk)]
    page = http.get(reverse("appointments:list", args=[world.other_assignment.pk])).content.decode()
    assert world.company.name not in page and world.person.last_name not in page
    csv_body = b"".join(http.get(reverse("appointments:download", args=[world.other_assignment.pk]))).decode()
    assert world.person.last_name not in csv_body and world.company.name not in csv_body


def test_supervisor_sees_the_list_but_downloads_nothing(world: World) -> None:
    appointment = AppointmentFactory(note=world.note)
    http = world.client_for("supervisor")
    page = http.get(reverse("appointments:list", args=[world.assignment.pk]))
    assert page.status_code == 200 and world.person.last_name in page.content.decode()
    assert reverse("appointments:download", args=[world.assignment.pk]) not in page.content.decode()
    assert http.get(reverse("appointments:invitation", args=[appointment.pk])).status_code == 403


def test_client_downloads_the_appointments_as_csv_and_xlsx(world: World) -> None:
    AppointmentFactory(note=world.note, person=world.person)
    http = world.client_for("client_same_tenant")
    csv_body = b"".join(http.get(reverse("appointments:download", args=[world.assignment.pk]))).decode("utf-8-sig")
    header, row = csv_body.strip().splitlines()[:2]
    assert header.startswith("Datum en tijd;Soort")
    assert world.company.name in row and world.person.last_name in row and "Op locatie" in row
    response = http.get(reverse("portal:export", args=[world.assignment.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[2]
    assert sheet.title == "Afspraken"
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and world.person.last_name in values[1][4]


def test_deleted_person_leaves_the_appointment_without_a_trace_of_them(world: World) -> None:
    """R-DEL-1: the appointment names the person by id only; after the deletion it stays
    with "person deleted" and no page, file or invitation holds their name."""
    person = PersonFactory(company=world.company, client=world.acme, last_name="Verdwijnsma")
    world.prospect.persons.add(person)
    appointment = AppointmentFactory(note=world.note, person=person)
    person_delete(person=person, reason=DeletionReason.LEFT_COMPANY, actor=None)
    appointment.refresh_from_db()
    assert appointment.person is None
    http = world.client_for("client_same_tenant")
    for url in (
        reverse("appointments:list", args=[world.assignment.pk]),
        reverse("appointments:download", args=[world.assignment.pk]),
        reverse("appointments:invitation", args=[appointment.pk]),
    ):
        response = http.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Verdwijnsma" not in body.decode("utf-8-sig")
    assert "Verdwijnsma" not in appointment_ics(appointment)


def test_ics_is_rfc5545_text() -> None:
    assert _ics_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = _ics_fold("DESCRIPTION:" + "é" * 80)
    lines = folded.split("\r\n ")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "".join(lines) == "DESCRIPTION:" + "é" * 80


def test_invitation_is_sent_once(world: World) -> None:
    from apps.appointments.services import appointment_invitation_send

    appointment = AppointmentFactory(note=world.note, account_manager=world.contact)
    assert appointment_invitation_send(appointment_id=appointment.pk) is True
    assert appointment_invitation_send(appointment_id=appointment.pk) is False
    assert len(mail.outbox) == 1


def test_no_invitation_without_an_address(world: World) -> None:
    from apps.appointments.services import appointment_invitation_send

    silent = ClientContactFactory(client=world.acme, email="")
    appointment = AppointmentFactory(note=world.note, account_manager=silent)
    assert appointment_invitation_send(appointment_id=appointment.pk) is False
    assert mail.outbox == []


@pytest.mark.parametrize("size", [1, 6])
def test_appointment_list_queries_do_not_grow(world: World, django_assert_num_queries, size: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(size):
        note = CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"])
        AppointmentFactory(note=note, person=Person.objects.filter(pk=world.person.pk).first())
        InformationRequest.objects.create(
            assignment=world.assignment,
            note=CallNoteFactory(prospect=world.prospect, agent=world.users["agent_with_lease"]),
            prospect=world.prospect,
            company=world.prospect.company,
            person=world.person,
            email="stuur@acme.example",
            agent=world.users["agent_with_lease"],
            created_at=timezone.now(),
        )
    http = world.client_for("client_same_tenant")
    # session (the user comes from the cache, issue 16 #2), assignment (access), "send
    # information" requests with their joins, appointments with their joins, may-download,
    # one access log INSERT for both lists
    with django_assert_num_queries(6):
        assert http.get(reverse("appointments:list", args=[world.assignment.pk])).status_code == 200


def test_the_appointment_relations_are_visible_to_code_that_walks_them() -> None:
    """No hidden ("+") relation: `_meta.related_objects` is what cascades and redactors walk."""
    from apps.accounts.models import User
    from apps.appointments.models import Appointment, InformationRequest
    from apps.assignments.models import ProcessorAgreement
    from apps.prospects.models import Prospect

    for model, target in ((Prospect, Appointment), (Prospect, InformationRequest), (User, InformationRequest),
                          (User, ProcessorAgreement)):  # fmt: skip
        assert any(r.related_model is target for r in model._meta.related_objects), (model, target)
