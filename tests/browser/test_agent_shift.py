"""A call centre's working day in Debian's Chromium (issue 13): an agent takes ten prospects by
keyboard only, dials, books two appointments, schedules a callback by preset, skips one and
confirms a person to verify; then the client downloads the appointments. Every screen is
checked at 390, 768 and 1366 px for sideways scrolling (R-CALL-1…3, R-APPT-1, R-DIAL-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import Role
from apps.appointments.models import Appointment
from apps.assignments import services as assignment_services
from apps.calling.models import Skip
from apps.callnotes.models import CallNote
from apps.prospects.models import Company, Person, Prospect, ProspectStatus
from tests.factories import PASSWORD, AssignmentFactory, ClientContactFactory, ProspectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 768, 1366)


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    """The invitation email goes in the request's thread, right after the commit."""
    from leadhunter.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)


def assert_fits(page, what: str) -> None:  # type: ignore[no-untyped-def]
    """No sideways scrolling at any of the three widths (issue 13 #5)."""
    size = page.viewport_size
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768 if width == 1366 else 844})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{what} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size(size)


def type_datetime(page, when: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """Type a date and time into the focused field as a Dutch agent does (dd-mm-jjjj uu:mm)."""
    page.keyboard.type(when.strftime("%d-%m-%Y %H:%M"))


def test_an_agents_shift_by_keyboard_and_the_client_downloads_the_appointments(  # type: ignore[no-untyped-def]
    page, eager_celery
) -> None:
    # Given an assignment with a dozen prospects, one person each, the client's account manager
    assignment = AssignmentFactory(name="Belronde", briefing="Vraag naar de inkoper.")
    manager = ClientContactFactory(client=assignment.client, first_name="Anna", last_name="Accountbeheer")
    agent = UserFactory(username="beller", role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    prospects = [ProspectFactory(assignment=assignment, with_person=True) for _ in range(12)]
    Company.objects.filter(prospects__in=prospects).update(phone="+31201234567", website="bedrijf.example")
    client_user = UserFactory(username="klant", role=Role.CLIENT, client=assignment.client)

    # When the agent logs in and starts on the workspace
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "beller")
    page.goto(f"/work/assignments/{assignment.pk}/")
    assert_fits(page, "the workspace")
    page.keyboard.press("n")
    # Any of them: new prospects have no order of their own in the queue (R-NTK-2).
    page.wait_for_url(lambda url: "/work/prospects/" in url)

    def current() -> Prospect:
        return Prospect.objects.get(pk=page.url.rstrip("/").rsplit("/", 1)[-1])

    def save_and_next(taken: Prospect) -> None:
        page.keyboard.press("Control+Shift+Enter")
        page.wait_for_url(lambda url: str(taken.pk) not in url)

    # 1. Dial with D (the company's number, in the national format), then "not interested"
    first = current()
    assert "020 123 4567" in page.locator("#company").inner_text()
    assert page.locator("#call-form").is_visible()
    assert page.locator("#call-form").bounding_box()["y"] < 768  # the result form is in view at 1366×768
    assert_fits(page, "the call screen")
    # The test machine has no softphone: the link's click is caught here instead of Chromium
    # asking the system for a tel: handler.
    page.evaluate(
        "document.querySelectorAll('a.dial').forEach(a => a.addEventListener('click', e => {"
        " e.preventDefault(); document.body.dataset.clicked = a.getAttribute('href'); }))"
    )
    page.keyboard.press("d")
    assert page.locator("body").get_attribute("data-dialled") == "tel:+31201234567"
    assert page.locator("body").get_attribute("data-clicked") == "tel:+31201234567"
    assert page.locator("#call-timer").inner_text() != ""
    page.keyboard.press("3")
    page.keyboard.press("t")
    page.keyboard.type("Geen interesse.")
    save_and_next(first)

    # 2. An appointment: 1 asks for date and time first, then kind, person and account manager
    def book(kind_key: str, days: int) -> Prospect:
        taken = current()
        page.keyboard.press("1")
        assert page.locator("#appointment-fields").is_visible()
        assert page.evaluate("document.activeElement.id") == "id_appointment_at"
        when = timezone.localtime() + dt.timedelta(days=days)
        when = when.replace(hour=14, minute=30, second=0, microsecond=0)
        type_datetime(page, when)
        page.keyboard.press("Tab")  # to the kind
        page.keyboard.press(kind_key)
        page.keyboard.press("Tab")  # to the person (the company's one is chosen)
        page.keyboard.press("Tab")  # to the account manager
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")  # to the note
        page.keyboard.type("Afspraak gemaakt.")
        save_and_next(taken)
        return taken

    booked_one = book("v", 3)  # Videogesprek

    # 3. A callback by preset: M is tomorrow 10:00 (and picks the callback result)
    called_back = current()
    page.keyboard.press("m")
    assert page.locator("#id_callback_at").input_value().endswith(" 10:00")
    save_and_next(called_back)

    # 4. Skip with a reason, by keyboard: S asks for the reason, Tab to the button
    skipped = current()
    page.keyboard.press("s")
    assert page.evaluate("document.activeElement.id") == "id_skip_reason"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: str(skipped.pk) not in url)

    # 5. The second appointment, on site
    booked_two = book("o", 5)  # Op locatie

    # 6. The flagged person: V asks once, then says the person is confirmed
    # (this sixth prospect's person was verified long ago: flagged, to confirm with V)
    to_confirm = current()
    flagged = to_confirm.persons.get()
    Person.objects.filter(pk=flagged.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))
    page.reload()
    assert flagged.phone not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("v")
    page.locator("#persons", has_text="is nu door u geverifieerd").wait_for()
    assert "06 1234 5678" in page.locator("#persons").inner_text()
    page.keyboard.press("4")  # no answer
    page.keyboard.press("n")  # N on the call screen: save and next
    page.wait_for_url(lambda url: str(to_confirm.pk) not in url)

    # 7-10. No answer, by 4 and N
    for _ in range(4):
        taken = current()
        page.keyboard.press("4")
        page.keyboard.press("n")
        page.wait_for_url(lambda url, taken=taken: str(taken.pk) not in url)

    # The agent's own figures of today: ten prospects taken, nine calls, two appointments
    assert "Vandaag: gesprekken 9 · bereikt 4 · afspraken 2" in page.locator("#today").inner_text()
    assert_fits(page, "the call screen after the shift")
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("c")  # the client's contacts panel, at phone width
    page.locator("#contacts", has_text="Accountbeheer").wait_for()
    assert_fits(page, "the call screen with the client's contacts")

    # Then the database holds what was said
    assert CallNote.objects.filter(agent=agent).count() == 9
    assert set(Appointment.objects.values_list("prospect_id", "kind")) == {
        (booked_one.pk, "video"),
        (booked_two.pk, "on_site"),
    }
    assert all(a.account_manager == manager for a in Appointment.objects.all())
    assert all(n.handle_seconds is not None for n in CallNote.objects.filter(agent=agent))
    called_back.refresh_from_db()
    assert called_back.status == ProspectStatus.CALLBACK
    assert timezone.localtime(called_back.callback_at).hour == 10
    assert Skip.objects.get().prospect_id == skipped.pk
    assert len([m for m in mail.outbox if m.to == [manager.email]]) == 2

    # And the client finds the appointments and downloads them
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, client_user.username)
    page.goto(f"/appointments/assignments/{assignment.pk}/")
    assert page.locator("#appointments tbody tr").count() == 2
    assert_fits(page, "the client's appointments")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Afspraken downloaden (.csv)").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read().strip().splitlines()
    assert len(content) == 3 and "Videogesprek" in content[1] and "Op locatie" in content[2]
    assert "Anna Accountbeheer" in content[1]
