"""A call centre's working day in Debian's Chromium (issue 13): an agent pauses and takes ten
prospects by keyboard only, dials, books two appointments, schedules a callback by preset,
skips one, confirms a person to verify and records where to send information, while the
supervisor's live board, open in a second browser at the same time, follows it by itself
(paused, then calling which company); then the supervisor's charts count the calls and
appointments, and the client downloads the appointments. Every screen is checked at 390, 768
and 1366 px for sideways scrolling (R-CALL-1…3, R-APPT-1, R-DIAL-1, R-SUP-1).

Under load (a shared machine) nothing sleeps: every step waits for what it needs, the
board's own refresh (htmx polling every few seconds) with a timeout of its own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import Role
from apps.appointments.models import Appointment, InformationRequest
from apps.assignments import services as assignment_services
from apps.calling.models import Pause, PauseEnd, Skip
from apps.callnotes.models import CallNote
from apps.imports.models import Difference
from apps.prospects.models import Company, Person, Prospect, ProspectStatus
from tests.browser.conftest import is_csp_violation
from tests.browser.conftest import log_in as log_in_with_two_factor
from tests.factories import PASSWORD, AssignmentFactory, ClientContactFactory, ProspectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 768, 1366)
# The live board refreshes itself every BOARD_REFRESH_SECONDS (5): a change shows within two
# refreshes on an idle machine; a loaded one gets far more room, and no test sleeps.
BOARD_WAIT_MS = 45_000


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
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right >"
            " document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' +"
            " e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
        )
        assert overflow <= 0, f"{what} scrolls sideways by {overflow}px at {width}px: {wide}"
    page.set_viewport_size(size)


def type_datetime(page, when: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """Type a date and time into the focused field as a Dutch agent does (dd-mm-jjjj uu:mm)."""
    page.keyboard.type(when.strftime("%d-%m-%Y %H:%M"))


@pytest.fixture
def supervisor_page(browser, live_server):  # type: ignore[no-untyped-def]
    """A second browser (its own context: cookies, session) for the supervisor, open at the
    same time as the agent's, under the same CSP watch as `page`."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    sup = context.new_page()
    sup.set_default_timeout(30_000)
    violations: list[str] = []
    sup.on("console", lambda message: is_csp_violation(message.text) and violations.append(message.text))
    yield sup
    context.close()
    assert not violations, f"Content Security Policy violations on the supervisor's pages: {violations}"


def chart_values(page, ident: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The bars of one server-side SVG chart as {label: value}, from each bar's <title>."""
    titles = page.evaluate(
        "ident => Array.from(document.querySelectorAll(`svg[aria-labelledby='${ident}-title'] rect.bar title`))"
        ".map(t => t.textContent)",
        ident,
    )
    return {label: int(value) for label, value in (t.rsplit(": ", 1) for t in titles)}


def test_an_agents_shift_by_keyboard_and_the_client_downloads_the_appointments(  # type: ignore[no-untyped-def]
    page, supervisor_page, eager_celery
) -> None:
    # Given an assignment with a dozen prospects, one person each, the client's account manager
    assignment = AssignmentFactory(name="Belronde", briefing="Vraag naar de inkoper.")
    manager = ClientContactFactory(client=assignment.client, first_name="Anna", last_name="Accountbeheer")
    agent = UserFactory(username="beller", role=Role.AGENT)
    assignment_services.assignment_schedule_agent(assignment=assignment, user=agent)
    prospects = [ProspectFactory(assignment=assignment, with_person=True) for _ in range(12)]
    Company.objects.filter(prospects__in=prospects).update(phone="+31201234567", website="bedrijf.example")
    client_user = UserFactory(username="klant", role=Role.CLIENT, client=assignment.client)
    supervisor = UserFactory(username="chef", role=Role.SUPERVISOR)
    assignment_services.assignment_add_supervisor(assignment=assignment, user=supervisor)

    # The supervisor opens the live board (with two-factor authentication) and leaves it open
    sup = supervisor_page
    sup.set_viewport_size({"width": 1366, "height": 768})
    log_in_with_two_factor(sup, "chef", PASSWORD)
    sup.goto(f"/work/assignments/{assignment.pk}/board/")
    agent_row = sup.locator("#board tbody tr", has_text="beller")
    agent_row.wait_for()
    assert "agent-idle" in agent_row.get_attribute("class")
    assert_fits(sup, "the live board")

    def board_shows(state: str, company: str = "") -> None:
        """Wait until the board, refreshing by itself, shows the agent in `state` (calling:
        with `company`), without the supervisor reloading anything."""
        row = sup.locator(f"#board tbody tr.agent-{state}", has_text="beller")
        if company:  # the prospect's cell says exactly this company
            row = row.filter(has=sup.locator("td", has_text=re.compile(rf"^\s*{re.escape(company)}\s*$")))
        row.wait_for(timeout=BOARD_WAIT_MS)

    # When the agent logs in and starts on the workspace with a pause (P), then takes a prospect (N)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "beller")
    page.goto(f"/work/assignments/{assignment.pk}/")
    assert_fits(page, "the workspace")
    page.keyboard.press("p")
    page.locator("#resume-button").wait_for()
    assert "Pauze" in page.locator("#pause").inner_text()
    assert_fits(page, "the workspace while paused")
    board_shows("paused")
    page.keyboard.press("n")  # the next prospect ends the pause
    # Any of them: new prospects have no order of their own in the queue (R-NTK-2).
    page.wait_for_url(lambda url: "/work/prospects/" in url)

    def current() -> Prospect:
        return Prospect.objects.select_related("company").get(pk=page.url.rstrip("/").rsplit("/", 1)[-1])

    # The board follows: the agent is calling the company on their screen
    board_shows("calling", current().company.name)

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

    # While it happens the board moves on by itself to the prospect after the skip
    board_shows("calling", current().company.name)

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

    # 7. "Send information": 2 asks for the address, the person's known one filled in; the
    # agent types the one heard on the phone instead (kept with the call, a difference to verify)
    informed = current()
    known = informed.persons.get().email
    page.keyboard.press("2")
    assert page.locator("#information-fields").is_visible()
    assert page.evaluate("document.activeElement.id") == "id_information_email"
    assert page.locator("#id_information_email").input_value() == known
    page.keyboard.press("Control+a")
    page.keyboard.type("inkoop@bedrijf.example")
    assert_fits(page, "the call screen asking for an email address")
    save_and_next(informed)

    # 8-10. No answer, by 4 and N
    for _ in range(3):
        taken = current()
        page.keyboard.press("4")
        page.keyboard.press("n")
        page.wait_for_url(lambda url, taken=taken: str(taken.pk) not in url)

    # The agent's own figures of today: ten prospects taken, nine calls, two appointments
    assert "Vandaag: gesprekken 9 · bereikt 5 · afspraken 2" in page.locator("#today").inner_text()
    assert_fits(page, "the call screen after the shift")
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("c")  # the client's contacts panel, at phone width
    page.locator("#contacts", has_text="Accountbeheer").wait_for()
    assert_fits(page, "the call screen with the client's contacts")

    # The board shows the prospect the agent holds now, and the pause is over
    board_shows("calling", current().company.name)
    assert sup.locator("#board tbody tr.agent-paused").count() == 0

    # And the supervisor's charts count the shift: nine calls (ten prospects, one skipped),
    # two appointments, by hour, by day and per agent
    sup.goto(f"/work/assignments/{assignment.pk}/progress/")
    totals = dict(
        zip(
            sup.locator("dl.totals dt").all_inner_texts(),
            sup.locator("dl.totals dd").all_inner_texts(),
            strict=True,
        )
    )
    assert (totals["Gesprekken"], totals["Afspraken"]) == ("9", "2")
    assert sum(chart_values(sup, "calls-per-hour").values()) == 9
    assert chart_values(sup, "calls-per-day")[timezone.localdate().strftime("%d-%m")] == 9
    rate = sup.locator("svg[aria-labelledby='appointment-rate-title']").inner_html()
    assert "beller" in rate and "(2/9)" in rate
    assert "beller" in sup.locator("svg[aria-labelledby='paused-time-title']").inner_html()
    assert_fits(sup, "the progress charts")

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
    information = InformationRequest.objects.get()
    assert (information.prospect_id, information.email) == (informed.pk, "inkoop@bedrijf.example")
    assert Person.objects.get(pk=information.person_id).email == known  # not overwritten
    assert Difference.objects.filter(person_id=information.person_id, value="inkoop@bedrijf.example").exists()
    (pause,) = Pause.objects.filter(agent=agent)
    assert (pause.ended_by, pause.assignment_id) == (PauseEnd.NEXT, assignment.pk)
    assert len([m for m in mail.outbox if m.to == [manager.email]]) == 2

    # And the client finds the appointments and downloads them
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, client_user.username)
    page.goto(f"/appointments/assignments/{assignment.pk}/")
    assert page.locator("#appointments tbody tr").count() == 2
    assert "inkoop@bedrijf.example" in page.locator("#information-requests").inner_text()
    assert_fits(page, "the client's appointments")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Afspraken downloaden (.csv)").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read().strip().splitlines()
    assert len(content) == 3 and "Videogesprek" in content[1] and "Op locatie" in content[2]
    assert "Anna Accountbeheer" in content[1]
