"""R-NOTE-3's one exception (issue 11 item 7, R-DSR-4): inside an erasure request the
privacy officer redacts the person's name, email and phone in call notes; the trigger lets
nothing else change a note, the redaction is recorded (who, when, which request, which
note), clients see it shown as such, the access report lists the notes, and the requester
is told exactly what was done."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from apps.callnotes.models import REDACTION_MARKER, CallNote, NoteRedaction
from apps.callnotes.services import call_note_redact, redaction_pattern
from apps.core.errors import ServiceError
from apps.privacy.models import RequestKind, RequestStatus
from apps.prospects.models import ProspectPerson
from tests import factories
from tests.conftest import World, build_world
from tests.test_person_delete import pg_dump_text

FIRST, LAST, EMAIL, PHONE = "Gijsbertha", "Wegstreepjes", "gijsbertha@weg.example", "+31612377001"
NL_MARKER = "[verwijderd op verzoek van betrokkene]"


def _case(world: World):  # type: ignore[no-untyped-def]
    """An open erasure request, the person in Acme's assignment, two notes naming them in
    different notations, and one that does not."""
    prospect = world.prospect
    person = factories.PersonFactory(
        client=prospect.assignment.client,
        company=prospect.company,
        first_name=FIRST,
        last_name=LAST,
        email=EMAIL,
        phone=PHONE,
    )
    ProspectPerson.objects.create(prospect=prospect, person=person)
    agent = world.users["agent_with_lease"]
    named = factories.CallNoteFactory(
        prospect=prospect, agent=agent, text=f"{FIRST}  {LAST} wil teruggebeld worden op 06-12 37 70 01 of {EMAIL}"
    )
    lowercase = factories.CallNoteFactory(
        prospect=prospect, agent=agent, text=f"Mail van {EMAIL.upper()}; geen interesse"
    )
    other = factories.CallNoteFactory(prospect=prospect, agent=agent, text="Receptie zegt: bel volgende week")
    dsr = factories.DataSubjectRequestFactory(
        confirmed=True, kind=RequestKind.ERASURE, name=f"{FIRST} {LAST}", email=EMAIL, phone=PHONE
    )
    return dsr, person, named, lowercase, other


def _pattern() -> str:
    return redaction_pattern(names=[f"{FIRST} {LAST}"], emails=[EMAIL], phones=[PHONE])


def test_redaction_replaces_name_email_and_phone_and_is_recorded(world: World) -> None:
    dsr, _person, named, _lower, _other = _case(world)
    officer = world.users["privacy_officer"]
    redaction = call_note_redact(note=named, dsr=dsr, actor=officer, pattern=_pattern())
    named.refresh_from_db()
    assert named.text == f"{REDACTION_MARKER} wil teruggebeld worden op {REDACTION_MARKER} of {REDACTION_MARKER}"
    assert (redaction.note_id, redaction.request_id, redaction.redacted_by_id, redaction.places) == (
        named.pk,
        dsr.pk,
        officer.pk,
        3,
    )
    assert abs(redaction.redacted_at - timezone.now()).total_seconds() < 60


def test_the_trigger_still_refuses_every_other_change(world: World) -> None:
    dsr, _person, named, _lower, _other = _case(world)
    table = CallNote._meta.db_table
    marked = f"{REDACTION_MARKER} belt terug"
    attempts = [
        # A direct SQL UPDATE without the service, even with the marker.
        (f"UPDATE {table} SET text = %s WHERE id = %s", [marked, named.pk], None),  # noqa: S608
        # The service's announcement without its redaction row.
        (f"UPDATE {table} SET text = %s WHERE id = %s", [marked, named.pk], str(named.pk)),  # noqa: S608
    ]
    for sql, params, announced in attempts:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            if announced:
                cursor.execute("SELECT set_config('leadhunter.redacting_note', %s, true)", [announced])
            cursor.execute(sql, params)
    # With a redaction row and the announcement: anything but the text, or a text without
    # the marker, or another note, is still refused.
    other_agent = world.users["agent_without_lease"]
    for sql, params in (
        (f"UPDATE {table} SET agent_id = %s WHERE id = %s", [other_agent.pk, named.pk]),  # noqa: S608
        (f"UPDATE {table} SET text = 'schoon', agent_id = %s WHERE id = %s", [other_agent.pk, named.pk]),  # noqa: S608
        (f"UPDATE {table} SET text = %s WHERE id = %s", ["geen markering", named.pk]),  # noqa: S608
        (f"UPDATE {table} SET text = %s WHERE id = %s", [marked, world.note.pk]),  # noqa: S608
        (f"DELETE FROM {table} WHERE id = %s", [named.pk]),  # noqa: S608
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            NoteRedaction.objects.create(note=named, request=dsr, redacted_at=timezone.now(), places=1)
            cursor.execute("SELECT set_config('leadhunter.redacting_note', %s, true)", [str(named.pk)])
            cursor.execute(sql, params)
    named.refresh_from_db()
    assert FIRST in named.text


@pytest.mark.parametrize("role", ["administrator", "supervisor", "client_same_tenant", "agent_with_lease", "board"])
def test_nobody_but_a_privacy_officer_can_redact(world: World, role: str) -> None:
    dsr, _person, named, _lower, _other = _case(world)
    with pytest.raises(PermissionDenied):
        call_note_redact(note=named, dsr=dsr, actor=world.users[role], pattern=_pattern())
    named.refresh_from_db()
    assert FIRST in named.text and not NoteRedaction.objects.exists()


def test_only_inside_an_open_erasure_request_and_only_a_note_that_names_the_person(world: World) -> None:
    dsr, _person, named, _lower, other = _case(world)
    officer = world.users["privacy_officer"]
    with pytest.raises(ServiceError):
        call_note_redact(note=other, dsr=dsr, actor=officer, pattern=_pattern())
    access = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.ACCESS, email=EMAIL)
    with pytest.raises(ServiceError):
        call_note_redact(note=named, dsr=access, actor=officer, pattern=_pattern())
    dsr.status, dsr.closed_at = RequestStatus.ANSWERED, timezone.now()
    dsr.save()
    with pytest.raises(ServiceError):
        call_note_redact(note=named, dsr=dsr, actor=officer, pattern=_pattern())
    assert not NoteRedaction.objects.exists()


def test_the_access_report_lists_the_notes_that_mention_the_person(world: World) -> None:
    dsr, person, named, lowercase, other = _case(world)
    officer = world.client_for("privacy_officer")
    officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(person.pk)})
    html = officer.get(reverse("privacy_case:report", args=[dsr.pk])).content.decode()
    assert "06-12 37 70 01" in html and "geen interesse" in html and "volgende week" not in html
    data = officer.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"}).json()
    assert len(data["call_notes_mentioning_you"]) == 2


@pytest.mark.django_db(transaction=True)
def test_officer_ticks_notes_inside_the_erasure_and_the_client_sees_the_redaction() -> None:
    world = build_world()
    dsr, person, named, lowercase, other = _case(world)
    officer = world.client_for("privacy_officer")
    officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(person.pk)})

    page = officer.get(reverse("privacy_case:erase", args=[dsr.pk]))
    body = page.content.decode()
    assert f'name="redact_note" value="{named.pk}"' in body
    assert f'name="redact_note" value="{lowercase.pk}"' in body
    assert f'value="{other.pk}"' not in body
    mail.outbox.clear()
    response = officer.post(
        reverse("privacy_case:erase", args=[dsr.pk]),
        {"confirm": "yes", "redact_note": [str(named.pk), str(lowercase.pk)]},
    )
    assert response.status_code == 302

    for note in (named, lowercase):
        note.refresh_from_db()
        assert REDACTION_MARKER in note.text and FIRST not in note.text and EMAIL not in note.text.lower()
        assert note.redactions.get().request_id == dsr.pk
    other.refresh_from_db()
    assert other.text == "Receptie zegt: bel volgende week"
    # Nothing of the person left, the notes included (R-DEL-1 with the redaction).
    dump = pg_dump_text(include_notes=True)
    for value in (FIRST, LAST, EMAIL, "0612377001", "06-12 37 70 01"):
        assert value not in dump, f"{value} left in the database"
    # The requester is told exactly what was done.
    requester_mail = next(m for m in mail.outbox if m.to == [EMAIL])
    # In plain words (issue 14 #10): one list of one client, two notes of phone calls.
    assert "Uw gegevens zijn verwijderd uit 1 lijst die wij voor een opdrachtgever bewaarden." in requester_mail.body
    assert "In 2 aantekeningen van telefoongesprekken is uw naam vervangen" in requester_mail.body

    # The client sees the redaction as such, in its language, on the page, the API and the download.
    client = world.client_for("client_same_tenant")
    with translation.override("nl"):
        notes_page = client.get(reverse("calling:notes", args=[world.assignment.pk]), HTTP_ACCEPT_LANGUAGE="nl")
    assert NL_MARKER in notes_page.content.decode() and REDACTION_MARKER not in notes_page.content.decode()
    api = client.get(reverse("api:assignment-call-notes", args=[world.assignment.pk]), HTTP_ACCEPT_LANGUAGE="nl")
    texts = [row["text"] for row in (api.json().get("results", api.json()))]
    assert any(NL_MARKER in t for t in texts) and not any(REDACTION_MARKER in t for t in texts)
    download = client.get(reverse("portal:export", args=[world.assignment.pk, "csv"]), HTTP_ACCEPT_LANGUAGE="nl")
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:  # database.csv + notes.csv
        content = archive.read("notes.csv").decode("utf-8-sig")
        content += archive.read("database.csv").decode("utf-8-sig")
    assert NL_MARKER in content and REDACTION_MARKER not in content and FIRST not in content
    assert list(csv.reader(io.StringIO(content)))  # still a CSV


def test_ticking_a_note_that_does_not_name_the_person_refuses_the_whole_erasure(world: World) -> None:
    dsr, person, named, _lower, other = _case(world)
    officer = world.client_for("privacy_officer")
    officer.post(reverse("privacy_case:link", args=[dsr.pk]), {"person": str(person.pk)})
    for bad in ([str(named.pk), str(other.pk)], ["not-a-uuid"], ["00000000-0000-0000-0000-000000000000"]):
        response = officer.post(reverse("privacy_case:erase", args=[dsr.pk]), {"confirm": "yes", "redact_note": bad})
        assert response.status_code == 400
    named.refresh_from_db()
    dsr.refresh_from_db()
    assert FIRST in named.text and dsr.status == RequestStatus.OPEN and dsr.email == EMAIL
    assert not NoteRedaction.objects.exists()
    assert person.__class__.objects.filter(pk=person.pk).exists()
