"""A call centre's working day on the call screen (issue 13): dial links in the national format
(R-DIAL-1), the handle time, skip and pause, callback presets, the agent's figures of today and
the client's extra columns the briefing marks as useful (R-CALL-1, R-CALL-2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.calling.dial import phone_display, phone_uri, website_url
from apps.calling.models import Skip
from apps.calling.selectors import agent_today
from apps.calling.services import callback_presets
from apps.callnotes.models import CallNote
from apps.prospects.models import Company, Lease, Person, ProspectStatus
from tests.conftest import World
from tests.factories import AppointmentFactory, CallNoteFactory, ProspectFactory


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+31201234567", "020 123 4567"),
        ("+31612345678", "06 1234 5678"),
        ("+31101234567", "010 123 4567"),
        ("+318001234", "0800 1234"),
        ("+32471123456", "+32 471 12 34 56"),
        ("not a number", "not a number"),
        ("", ""),
    ],
)
def test_numbers_show_as_a_dutch_agent_reads_them(stored: str, shown: str) -> None:
    assert phone_display(stored) == shown


def test_dial_uri_follows_the_deployment_template(settings) -> None:  # type: ignore[no-untyped-def]
    assert phone_uri("+31201234567") == "tel:+31201234567"
    settings.DIAL_URI_TEMPLATE = "sip:{e164}@pbx.example"
    assert phone_uri("+31201234567") == "sip:+31201234567@pbx.example"
    settings.DIAL_URI_TEMPLATE = "softphone://dial?number={national}"
    assert phone_uri("+31612345678") == "softphone://dial?number=0612345678"
    assert phone_uri("nonsense") == ""


def test_websites_link_only_over_http() -> None:
    assert website_url("bedrijf.example") == "https://bedrijf.example"
    assert website_url("http://bedrijf.example/x") == "http://bedrijf.example/x"
    assert not website_url("javascript://alert(1)")
    assert website_url("") == ""


def test_screen_dials_the_company_and_persons_but_never_a_flagged_persons_number(world: World) -> None:
    Company.objects.filter(pk=world.company.pk).update(phone="+31201234567", website="bedrijf.example")
    flagged = world.person
    Person.objects.filter(pk=flagged.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))
    body = world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk])).content
    body = body.decode()
    assert '<a class="dial" href="tel:+31201234567">020 123 4567</a>' in body
    assert 'href="https://bedrijf.example"' in body
    # R-CALL-3: the flagged person's number is in no notation and no link.
    assert flagged.phone not in body and "06 1234 5678" not in body and "0612345678" not in body


def test_screen_shows_a_verified_persons_number_as_a_dial_link(world: World) -> None:
    body = world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk])).content
    assert b'href="tel:+31612345678">06 1234 5678</a>' in body
    assert f'href="mailto:{world.person.email}"'.encode() in body


def test_handle_time_is_stored_with_the_note(world: World) -> None:
    Lease.objects.filter(pk=world.lease.pk).update(leased_at=timezone.now() - dt.timedelta(seconds=95))
    result = world.assignment.results.get(code="not-interested")
    http = world.client_for("agent_with_lease")
    assert http.post(reverse("calling:call", args=[world.prospect.pk]), {"result": result.pk}).status_code == 302
    note = CallNote.objects.get(prospect=world.prospect, result=result)
    assert 95 <= note.handle_seconds < 120


def test_skip_needs_a_reason_then_sends_the_prospect_back_and_opens_the_next(world: World) -> None:
    http = world.client_for("agent_with_lease")
    url = reverse("calling:skip", args=[world.prospect.pk])
    assert http.post(url, {}).status_code == 400
    assert Lease.objects.filter(prospect=world.prospect).exists()

    response = http.post(url, {"reason": "bad_time"})

    assert response.status_code == 302
    following = Lease.objects.get(agent=world.users["agent_with_lease"])
    assert following.prospect_id == world.unleased_prospect.pk
    assert response["Location"] == reverse("calling:screen", args=[world.unleased_prospect.pk])
    world.prospect.refresh_from_db()
    assert world.prospect.status == ProspectStatus.IN_PROGRESS
    skip = Skip.objects.get()
    assert (skip.prospect_id, skip.reason) == (world.prospect.pk, "bad_time")
    assert skip.agent == world.users["agent_with_lease"]
    assert not CallNote.objects.filter(prospect=world.prospect).exclude(pk=world.note.pk).exists()


def test_a_skipped_prospect_comes_after_everything_else(world: World) -> None:
    http = world.client_for("agent_with_lease")
    later = ProspectFactory(assignment=world.assignment)
    http.post(reverse("calling:skip", args=[world.prospect.pk]), {"reason": "other"})
    http.post(reverse("calling:skip", args=[world.unleased_prospect.pk]), {"reason": "other"})
    assert Lease.objects.get(agent=world.users["agent_with_lease"]).prospect_id == later.pk


def test_pause_releases_the_prospect_unchanged(world: World) -> None:
    http = world.client_for("agent_with_lease")
    response = http.post(reverse("calling:pause", args=[world.prospect.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("calling:workspace", args=[world.assignment.pk])
    assert not Lease.objects.filter(prospect=world.prospect).exists()
    world.prospect.refresh_from_db()
    assert world.prospect.status == ProspectStatus.NEW


def test_callback_presets_skip_the_weekend() -> None:
    friday = timezone.make_aware(dt.datetime(2026, 11, 27, 15, 12))
    presets = {key: value for key, _label, value in callback_presets(friday)}
    assert presets == {
        "u": "27-11-2026 16:12",
        "m": "30-11-2026 10:00",
        "a": "30-11-2026 14:00",
        "w": "04-12-2026 10:00",
    }


def test_agent_sees_their_own_figures_of_today(world: World) -> None:
    agent = world.users["agent_with_lease"]
    results = {r.code: r for r in world.assignment.results.all()}
    CallNoteFactory(prospect=world.prospect, agent=agent, result=results["no-answer"])
    booked = CallNoteFactory(prospect=world.prospect, agent=agent, result=results["appointment"])
    AppointmentFactory(note=booked)
    CallNoteFactory(prospect=world.prospect, agent=world.users["agent_without_lease"], result=results["interested"])
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    CallNoteFactory(prospect=world.prospect, agent=agent, result=results["interested"], created_at=two_days_ago)
    today = agent_today(assignment_id=world.assignment.pk, agent=agent)
    # world.note (today, "appointment made", no appointment row), no-answer, the booked one
    assert (today.calls, today.reached, today.appointments) == (3, 2, 1)
    body = world.client_for("agent_with_lease").get(reverse("calling:workspace", args=[world.assignment.pk])).content
    assert "Vandaag: gesprekken 3 · bereikt 2 · afspraken 1" in body.decode()


def test_extra_columns_the_briefing_marks_are_shown_and_no_others(world: World) -> None:
    world.assignment.extra_columns = ["Omzet", "Interne code"]
    world.assignment.agent_columns = ["Omzet"]
    world.assignment.save()
    world.prospect.extra = {"Omzet": "1,2 mln", "Interne code": "GEHEIM-42"}
    world.prospect.save()
    body = world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk])).content
    assert b"1,2 mln" in body and b"GEHEIM-42" not in body


def test_confirming_a_flagged_person_asks_once_and_says_it_was_done(world: World) -> None:
    Person.objects.filter(pk=world.person.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))
    http = world.client_for("agent_with_lease")
    screen = http.get(reverse("calling:screen", args=[world.prospect.pk])).content.decode()
    assert 'class="inline-form verify-form" hx-confirm=' in screen
    response = http.post(
        reverse("calling:person-verify", args=[world.prospect.pk, world.person.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "is nu door u geverifieerd" in response.content.decode()


def test_supervisor_sees_the_handle_times(world: World) -> None:
    agent = world.users["agent_with_lease"]
    CallNoteFactory(prospect=world.prospect, agent=agent, handle_seconds=90)
    CallNoteFactory(prospect=world.prospect, agent=agent, handle_seconds=150)
    http = world.client_for("supervisor")
    progress = http.get(reverse("calling:progress", args=[world.assignment.pk])).content.decode()
    # two timed calls, average 2:00 (world.note has no timer), in the per-agent chart (R-SUP-1)
    chart = progress.split('id="handle-time-title"', 1)[1].split("</svg>", 1)[0]
    assert "agent-lease" in chart and "2:00" in chart
    notes = http.get(reverse("calling:notes", args=[world.assignment.pk])).content.decode()
    assert "<td>1:30</td>" in notes and "<td>2:30</td>" in notes
    # Globex's supervisor finds nothing of it
    other = world.client_for("supervisor_other_assignment")
    assert other.get(reverse("calling:progress", args=[world.assignment.pk])).status_code == 404


def test_the_handle_time_is_as_immutable_as_the_note(world: World) -> None:
    """R-NOTE-3: no UPDATE changes a saved handle time, not even on a detached note."""
    from django.db import IntegrityError, transaction

    CallNote.objects.filter(pk=world.note.pk).update(prospect=None)  # detaching is allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        CallNote.objects.filter(pk=world.note.pk).update(handle_seconds=5)
