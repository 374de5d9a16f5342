"""The privacy office's intake (issue 6): the public statement and request form, the signed
confirmation link, the officer's dashboard and actions, the clock rules and the public API
(SPEC R-DSR-1, R-DSR-2, R-RET-6; policy §7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail, signing
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.audit.models import AccessAction, AccessLogEntry
from apps.core.errors import ServiceError
from apps.privacy import services
from apps.privacy.demo import seed_privacy_demo
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.retention import clock
from apps.retention.models import JobRun
from apps.retention.runner import run_rule
from tests.conftest import World
from tests.factories import DataSubjectRequestFactory, PersonFactory, UserFactory
from tests.twofactor import verify_session

pytestmark = pytest.mark.django_db

FORM = {"name": "Jan de Vries", "kind": "access", "message": "Wat hebben jullie van mij?", "phone": "", "company": ""}
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+|("X-CSRFToken": ")[^"]+')
LINK = re.compile(r"https?://\S+/privacy/request/\S+")


def _post_form(client, email: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("privacy:request"), {**FORM, "email": email, **extra})


def _file(email: str = "jan@example.org") -> DataSubjectRequest:
    return services.request_submit(
        data=services.request_clean(name="Jan de Vries", email=email, kind="erasure"), ip="192.0.2.1"
    )


def _token_from_mail(message) -> str:  # type: ignore[no-untyped-def]
    return LINK.search(message.body).group(0).rstrip("/").rsplit("/", 1)[1]


# --- The statement and the form (R-DSR-1) ----------------------------------------------
def test_statement_is_public_dutch_and_states_the_periods(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEADHUNTER_PERIODS = {**settings.LEADHUNTER_PERIODS, "PERSON_DELETE_AFTER_MONTHS": 13}
    response = client.get(reverse("privacy:statement"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Privacyverklaring" in body
    assert "13 maanden" in body and "14 dagen" in body
    assert reverse("privacy:request") in body
    assert settings.PRIVACY_CONTACT_EMAIL in body


def test_the_answer_is_the_same_for_a_known_and_an_unknown_person(client) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(email="bekend@bedrijf.example")
    known = _post_form(client, "bekend@bedrijf.example")
    unknown = _post_form(client, "onbekend@elders.example")
    assert known.status_code == unknown.status_code == 200
    assert CSRF.sub(rb"\1\2", known.content) == CSRF.sub(rb"\1\2", unknown.content)
    assert b"bekend@" not in known.content
    assert "Verzoek ontvangen" in known.content.decode()
    # The same email for both: the same subject, the same text apart from the personal link.
    first, second = mail.outbox
    assert first.to == ["bekend@bedrijf.example"] and second.to == ["onbekend@elders.example"]
    assert first.subject == second.subject
    assert LINK.sub("LINK", first.body) == LINK.sub("LINK", second.body)
    assert DataSubjectRequest.objects.filter(status=RequestStatus.UNCONFIRMED).count() == 2


def test_filing_runs_the_same_queries_for_a_known_and_an_unknown_person(client) -> None:  # type: ignore[no-untyped-def]
    """The form never looks the person up: the same statements run either way (timing)."""
    PersonFactory(email="bekend@bedrijf.example")
    shapes = []
    for email in ("bekend@bedrijf.example", "onbekend@elders.example"):
        with CaptureQueriesContext(connection) as queries:
            _post_form(client, email)
        shapes.append([re.sub(r"'[^']*'|\"s\w+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in queries.captured_queries])
    assert shapes[0] == shapes[1]
    assert any("INSERT" in sql for sql in shapes[0])
    assert not any("prospects_person" in sql for sql in shapes[0])


class BrokenMailServer(BaseEmailBackend):
    """A mail server that refuses the connection, as smtplib would raise it."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_that_is_down_gives_the_same_answer_not_a_500(client, settings, caplog) -> None:  # type: ignore[no-untyped-def]
    expected = _post_form(client, "eerst@example.org")
    settings.EMAIL_BACKEND = "tests.test_privacy_intake.BrokenMailServer"
    response = _post_form(client, "daarna@example.org")
    assert response.status_code == 200
    assert CSRF.sub(rb"\1\2", response.content) == CSRF.sub(rb"\1\2", expected.content)
    dsr = DataSubjectRequest.objects.get(email="daarna@example.org")
    assert str(dsr.pk) in caplog.text and "daarna@" not in caplog.text


def test_form_normalises_email_and_phone(client) -> None:  # type: ignore[no-untyped-def]
    response = _post_form(client, "  Jan.De.Vries@Example.ORG ", phone="06 1234 5678", company="Bakker BV")
    assert response.status_code == 200
    dsr = DataSubjectRequest.objects.get()
    assert (dsr.email, dsr.phone, dsr.company) == ("jan.de.vries@example.org", "+31612345678", "Bakker BV")
    assert dsr.kind == RequestKind.ACCESS
    assert dsr.submitted_ip == "127.0.0.1"
    assert mail.outbox[0].to == ["jan.de.vries@example.org"]


def test_a_request_filed_in_english_is_answered_in_english(client, settings) -> None:  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Request received" in _post_form(client, "jan@example.org").content.decode()
    dsr = DataSubjectRequest.objects.get()
    assert dsr.language == "en"
    assert mail.outbox[0].subject == "Please confirm your privacy request"
    # The link is followed later, in whatever language the browser then has: the receipt stays English.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.post(reverse("privacy:confirm", args=[dsr.pk, _token_from_mail(mail.outbox[0])]))
    assert mail.outbox[1].subject == "Your privacy request is confirmed"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [("phone", "12", "is geen telefoonnummer"), ("email", "geen-adres", "is geen e-mailadres"), ("kind", "", "")],
)
def test_bad_input_is_a_clear_form_error_and_stores_nothing(client, field: str, value: str, error: str) -> None:  # type: ignore[no-untyped-def]
    data = {**FORM, "email": "jan@example.org", field: value}
    response = client.post(reverse("privacy:request"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert error in response.content.decode()
    assert not DataSubjectRequest.objects.exists() and not mail.outbox


def test_honeypot_gets_the_same_answer_and_nothing_is_stored_or_sent(client) -> None:  # type: ignore[no-untyped-def]
    human = _post_form(client, "mens@example.org")
    bot = _post_form(client, "bot@example.org", website="http://spam.example")
    assert bot.status_code == 200
    assert CSRF.sub(rb"\1\2", bot.content) == CSRF.sub(rb"\1\2", human.content)
    assert list(DataSubjectRequest.objects.values_list("email", flat=True)) == ["mens@example.org"]
    assert [m.to for m in mail.outbox] == [["mens@example.org"]]


def test_rate_limit_per_ip_answers_429(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_REQUESTS_PER_IP_PER_HOUR = 2
    assert _post_form(client, "a@example.org").status_code == 200
    assert _post_form(client, "b@example.org").status_code == 200
    response = _post_form(client, "c@example.org")
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "Te veel verzoeken" in response.content.decode()
    assert DataSubjectRequest.objects.count() == 2
    # Another address (another IP) is not affected.
    other_ip = client.post(reverse("privacy:request"), {**FORM, "email": "d@example.org"}, REMOTE_ADDR="192.0.2.9")
    assert other_ip.status_code == 200


def test_rate_limit_per_email_answers_429(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_REQUESTS_PER_EMAIL_PER_HOUR = 1
    assert _post_form(client, "jan@example.org").status_code == 200
    assert _post_form(client, "JAN@example.org").status_code == 429
    assert _post_form(client, "piet@example.org").status_code == 200


def test_confirmation_emails_to_one_address_are_capped_with_the_same_answer(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_CONFIRM_EMAILS_PER_DAY = 2
    answers = [_post_form(client, "jan@example.org") for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert CSRF.sub(rb"\1\2", answers[2].content) == CSRF.sub(rb"\1\2", answers[0].content)
    assert len(mail.outbox) == 2 and DataSubjectRequest.objects.count() == 2
    # A day later the address may be sent to again.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        _post_form(client, "jan@example.org")
    assert len(mail.outbox) == 3


# --- The confirmation link (R-DSR-2) ----------------------------------------------------
def test_get_of_the_link_changes_nothing_and_post_confirms_with_both_deadlines(client) -> None:  # type: ignore[no-untyped-def]
    _post_form(client, "jan@example.org", company="Acme Holding")
    dsr = DataSubjectRequest.objects.get()
    path = LINK.search(mail.outbox[0].body).group(0).split("://", 1)[1].split("/", 1)[1]
    url = "/" + path
    assert url == services.confirm_path(dsr)

    shown = client.get(url)
    assert shown.status_code == 200 and "Bevestig mijn verzoek" in shown.content.decode()
    # Review #9: the mailbox owner sees what is being confirmed, in whose name.
    page = shown.content.decode()
    assert "Inzage in mijn gegevens" in page and "Jan de Vries" in page and "Acme Holding" in page
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.UNCONFIRMED and dsr.confirm_nonce

    now = dt.datetime(2027, 1, 31, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(now - dt.timedelta(hours=1), tick=False):
        # Re-file at a known moment so that the deadlines are exact.
        moment = timezone.now()
        DataSubjectRequest.objects.update(submitted_at=moment, confirm_before=moment + dt.timedelta(hours=48))
    with time_machine.travel(now, tick=False):
        token = signing.dumps({"r": str(dsr.pk), "n": dsr.confirm_nonce}, salt=services.CONFIRM_SALT, compress=True)
        response = client.post(reverse("privacy:confirm", args=[dsr.pk, token]))
    assert response.status_code == 200
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.OPEN and dsr.confirmed_at == now and dsr.confirm_nonce == ""
    assert dsr.due_at == now + dt.timedelta(days=14)
    # One calendar month on the Amsterdam clock, clamped to the end of February.
    assert timezone.localtime(dsr.legal_due_at).date() == dt.date(2027, 2, 28)
    body = response.content.decode()
    assert "14 februari 2027" in body and "28 februari 2027" in body
    confirmed_mail = mail.outbox[-1]
    assert "14 februari 2027" in confirmed_mail.body and "28 februari 2027" in confirmed_mail.body


def test_a_used_link_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    dsr = _file()
    url = reverse("privacy:confirm", args=[dsr.pk, _token_from_mail(mail.outbox[0])])
    assert client.post(url).status_code == 200
    confirmed_at = DataSubjectRequest.objects.get().confirmed_at
    for method in (client.post, client.get):
        replay = method(url)
        assert replay.status_code == 410
        assert "al gebruikt" in replay.content.decode()
    assert DataSubjectRequest.objects.get().confirmed_at == confirmed_at


def test_an_expired_link_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    dsr = _file()
    url = reverse("privacy:confirm", args=[dsr.pk, _token_from_mail(mail.outbox[0])])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 410
            assert "verlopen" in response.content.decode()
    assert DataSubjectRequest.objects.get().status == RequestStatus.UNCONFIRMED


def test_a_tampered_link_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    dsr = _file()
    token = _token_from_mail(mail.outbox[0])
    forged = signing.dumps({"r": str(dsr.pk), "n": "guessed"}, salt=services.CONFIRM_SALT, compress=True)
    wrong_salt = signing.dumps({"r": str(dsr.pk), "n": dsr.confirm_nonce}, salt="another", compress=True)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, wrong_salt, "nonsense"):
        response = client.post(reverse("privacy:confirm", args=[dsr.pk, bad]))
        assert response.status_code == 400, bad
        assert "niet geldig" in response.content.decode()
    assert DataSubjectRequest.objects.get().status == RequestStatus.UNCONFIRMED


def test_the_token_of_another_request_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    mine, other = _file("jan@example.org"), _file("piet@example.org")
    other_token = _token_from_mail(mail.outbox[1])
    response = client.post(reverse("privacy:confirm", args=[mine.pk, other_token]))
    assert response.status_code == 400
    assert set(DataSubjectRequest.objects.values_list("status", flat=True)) == {RequestStatus.UNCONFIRMED}
    assert mine.pk != other.pk


def test_a_link_of_a_removed_request_is_refused_not_500(client) -> None:  # type: ignore[no-untyped-def]
    dsr = _file()
    url = reverse("privacy:confirm", args=[dsr.pk, _token_from_mail(mail.outbox[0])])
    DataSubjectRequest.objects.all().delete()
    assert client.get(url).status_code == 410
    assert client.post(url).status_code == 410


# --- Clock rules (R-DSR-2, R-RET-6) ------------------------------------------------------
def test_unconfirmed_requests_expire_and_are_removed() -> None:
    now = timezone.now()
    stale = DataSubjectRequestFactory(submitted_at=now - dt.timedelta(hours=50))
    fresh = DataSubjectRequestFactory(submitted_at=now - dt.timedelta(hours=2))
    confirmed = DataSubjectRequestFactory(submitted_at=now - dt.timedelta(days=10), confirmed=True)
    dry = run_rule("privacy_unconfirmed_expiry", now=now, dry_run=True)
    assert dry.counts == {"unconfirmed_requests_to_remove": 1}
    assert DataSubjectRequest.objects.count() == 3
    run = run_rule("privacy_unconfirmed_expiry", now=now)
    assert run.counts == {"unconfirmed_requests_removed": 1}
    assert set(DataSubjectRequest.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert not DataSubjectRequest.objects.filter(pk=stale.pk).exists()
    assert run_rule("privacy_unconfirmed_expiry", now=now).counts == {"unconfirmed_requests_removed": 0}


def test_requester_ip_is_removed_after_four_weeks() -> None:
    now = timezone.now()
    old = DataSubjectRequestFactory(submitted_at=now - dt.timedelta(days=29), submitted_ip="192.0.2.1", confirmed=True)
    recent = DataSubjectRequestFactory(submitted_at=now - dt.timedelta(days=2), submitted_ip="192.0.2.2")
    run = run_rule("ip_removal", now=now)
    assert run.counts["data_subject_requests_ips_removed"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.submitted_ip is None and recent.submitted_ip == "192.0.2.2"


def _officer_with_email() -> object:
    officer = UserFactory(role=Role.BOARD, is_privacy_officer=True)
    officer.email = "officer@leadhunter.example"
    officer.save(update_fields=["email"])
    return officer


def test_reminders_go_to_privacy_officers_once_with_ids_only(world: World) -> None:
    _officer_with_email()
    now = timezone.now()
    soon = DataSubjectRequestFactory(
        confirmed=True, confirmed_at=now - dt.timedelta(days=12), name="Geheime Naam", email="geheim@example.org"
    )
    late = DataSubjectRequestFactory(confirmed=True, confirmed_at=now - dt.timedelta(days=15))
    far = DataSubjectRequestFactory(confirmed=True, confirmed_at=now - dt.timedelta(days=1))
    DataSubjectRequestFactory()  # unconfirmed: nothing to remind of
    run = run_rule("privacy_request_reminders", now=now)
    assert run.counts == {"requests_due_soon": 1, "requests_overdue": 1, "reminder_emails_sent": 1}
    (message,) = mail.outbox
    assert message.to == ["officer@leadhunter.example"]
    assert str(soon.pk) in message.body and str(late.pk) in message.body and str(far.pk) not in message.body
    assert "Geheime" not in message.body + message.subject and "geheim@" not in message.body
    # Idempotent: the same day, nothing again.
    assert run_rule("privacy_request_reminders", now=now).counts["reminder_emails_sent"] == 0
    assert len(mail.outbox) == 1
    # Once the deadline of the "soon" one has passed it is reminded of once more, as overdue.
    later = now + dt.timedelta(days=3)
    run = run_rule("privacy_request_reminders", now=later)
    assert run.counts["requests_overdue"] == 1 and run.counts["requests_due_soon"] == 0
    assert str(soon.pk) in mail.outbox[-1].body


def test_reminder_dry_run_sends_nothing() -> None:
    _officer_with_email()
    DataSubjectRequestFactory(confirmed=True, confirmed_at=timezone.now() - dt.timedelta(days=20))
    run = run_rule("privacy_request_reminders", dry_run=True)
    assert run.counts == {"requests_due_soon": 0, "requests_overdue": 1}
    assert not mail.outbox and DataSubjectRequest.objects.get().reminded_at is None


def test_clock_rules_have_tasks_and_beat_entries(settings) -> None:  # type: ignore[no-untyped-def]
    from apps.privacy import tasks

    tasks_by_name = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"retention.privacy_unconfirmed_expiry", "retention.privacy_request_reminders"} <= tasks_by_name
    DataSubjectRequestFactory(submitted_at=timezone.now() - dt.timedelta(hours=49))
    run_id = tasks.privacy_unconfirmed_expiry.run()
    assert JobRun.objects.get(pk=run_id).counts == {"unconfirmed_requests_removed": 1}
    assert JobRun.objects.get(pk=tasks.privacy_request_reminders.run()).rule == "privacy_request_reminders"


def test_months_after_clamps_at_the_end_of_the_month() -> None:
    moment = timezone.make_aware(dt.datetime(2027, 1, 31, 10, 0))
    assert timezone.localtime(clock.months_after(moment, 1)) == timezone.make_aware(dt.datetime(2027, 2, 28, 10, 0))


# --- The officer's pages (R-DSR-2) ---------------------------------------------------------
def test_dashboard_lists_open_requests_overdue_first_and_only_counts_unconfirmed(world: World) -> None:
    now = timezone.now()
    later = DataSubjectRequestFactory(confirmed=True, confirmed_at=now - dt.timedelta(days=2), name="Later Lid")
    overdue = DataSubjectRequestFactory(confirmed=True, confirmed_at=now - dt.timedelta(days=16), name="Te Laat")
    DataSubjectRequestFactory(name="Onbevestigd Iemand")
    closed = DataSubjectRequestFactory(
        confirmed=True, status=RequestStatus.ANSWERED, closed_at=now, outcome="Inzage gegeven", name="Klaar Persoon"
    )
    http = world.client_for("privacy_officer")
    body = http.get(reverse("privacy:requests")).content.decode()
    assert body.index("Te Laat") < body.index("Later Lid")
    assert "te laat" in body  # the overdue badge
    assert "Onbevestigd" not in body and "Klaar Persoon" not in body
    assert "Wachten op bevestiging door de aanvrager: 1" in body
    entry = AccessLogEntry.objects.filter(object_type="privacy.datasubjectrequest", action=AccessAction.LIST).get()
    assert set(entry.object_ids) == {str(later.pk), str(overdue.pk)}
    closed_page = http.get(reverse("privacy:requests") + "?show=closed").content.decode()
    assert "Klaar Persoon" in closed_page and "Te Laat" not in closed_page
    assert str(closed.pk) in closed_page


def test_dashboard_query_count_does_not_grow(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    http = world.client_for("privacy_officer")
    officer = world.users["privacy_officer"]
    for _ in range(3):
        DataSubjectRequestFactory(confirmed=True, handled_by=officer)
    with django_assert_max_num_queries(12) as few:
        http.get(reverse("privacy:requests"))
    for _ in range(20):
        DataSubjectRequestFactory(confirmed=True, handled_by=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert http.get(reverse("privacy:requests")).status_code == 200


def test_detail_is_access_logged_and_includes_the_casework(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    dsr = DataSubjectRequestFactory(confirmed=True, message="Graag inzage")
    http = world.client_for("privacy_officer")
    with django_assert_max_num_queries(12):
        response = http.get(reverse("privacy:request-detail", args=[dsr.pk]))
    assert response.status_code == 200
    assert "Graag inzage" in response.content.decode()
    assert "privacy/_casework.html" in [t.name for t in response.templates]
    assert response.context["dsr"] == dsr
    assert AccessLogEntry.objects.filter(object_id=str(dsr.pk), action=AccessAction.VIEW).exists()


def test_officer_cannot_open_an_unconfirmed_request(world: World) -> None:
    dsr = DataSubjectRequestFactory()
    http = world.client_for("privacy_officer")
    assert http.get(reverse("privacy:request-detail", args=[dsr.pk])).status_code == 404
    assert http.post(reverse("privacy:request-take", args=[dsr.pk])).status_code == 404


def test_take_answer_and_refuse(world: World) -> None:
    officer = world.users["privacy_officer"]
    http = world.client_for("privacy_officer")
    first = DataSubjectRequestFactory(confirmed=True)
    assert http.post(reverse("privacy:request-take", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.handled_by == officer

    empty = http.post(reverse("privacy:request-answer", args=[first.pk]), {"outcome": "  "})
    assert empty.status_code == 200 and "Beschrijf wat er is gedaan." in empty.content.decode()
    http.post(reverse("privacy:request-answer", args=[first.pk]), {"outcome": "Inzage verstrekt per e-mail."})
    first.refresh_from_db()
    assert first.status == RequestStatus.ANSWERED and first.closed_at
    assert first.outcome == "Inzage verstrekt per e-mail."

    second = DataSubjectRequestFactory(confirmed=True, email="aanvrager@example.org")
    no_reason = http.post(reverse("privacy:request-refuse", args=[second.pk]), {"reason": ""})
    assert no_reason.status_code == 200
    assert "Een weigering heeft een reden nodig" in no_reason.content.decode()
    second.refresh_from_db()
    assert second.status == RequestStatus.OPEN and not mail.outbox
    http.post(reverse("privacy:request-refuse", args=[second.pk]), {"reason": "Identiteit niet aangetoond."})
    second.refresh_from_db()
    assert second.status == RequestStatus.REFUSED and second.handled_by == officer
    (message,) = mail.outbox
    assert message.to == ["aanvrager@example.org"] and "Identiteit niet aangetoond." in message.body
    # Closed: no second closing.
    again = http.post(reverse("privacy:request-answer", args=[second.pk]), {"outcome": "toch"})
    assert again.status_code == 200 and "al afgesloten" in again.content.decode()
    second.refresh_from_db()
    assert second.status == RequestStatus.REFUSED


def test_a_refusal_whose_email_fails_is_not_recorded(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    dsr = DataSubjectRequestFactory(confirmed=True)
    settings.EMAIL_BACKEND = "tests.test_privacy_intake.BrokenMailServer"
    response = world.client_for("privacy_officer").post(
        reverse("privacy:request-refuse", args=[dsr.pk]), {"reason": "Niet aangetoond."}
    )
    assert response.status_code == 200
    assert "kon niet worden verstuurd" in response.content.decode()
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.OPEN and dsr.outcome == "" and dsr.closed_at is None


@pytest.mark.parametrize("erased", [False, True])
def test_a_stale_page_cannot_refuse_a_request_answered_or_erased_meanwhile(world: World, erased: bool) -> None:
    """Review #11 (R-DSR-2): each officer action locks the row and reads the status again."""
    officer = world.users["privacy_officer"]
    dsr = DataSubjectRequestFactory(confirmed=True, email="aanvrager@example.org")
    stale = DataSubjectRequest.objects.get(pk=dsr.pk)  # what an open page or another process holds
    services.request_answer(dsr=dsr, actor=officer, outcome="Inzage verstrekt.")
    if erased:
        DataSubjectRequest.objects.filter(pk=dsr.pk).update(email="", name="", erased_at=timezone.now())
    assert stale.status == RequestStatus.OPEN
    for action, kwargs in (
        (services.request_refuse, {"reason": "Niet aangetoond."}),
        (services.request_answer, {"outcome": "Nog eens."}),
        (services.request_take, {}),
    ):
        with pytest.raises(ServiceError, match="al afgesloten"):
            action(dsr=stale, actor=officer, **kwargs)
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.ANSWERED and dsr.outcome == "Inzage verstrekt." and not mail.outbox
    response = world.client_for("privacy_officer").post(
        reverse("privacy:request-refuse", args=[dsr.pk]), {"reason": "Niet aangetoond."}
    )
    assert response.status_code == 200 and "Dit verzoek is al afgesloten." in response.content.decode()
    dsr.refresh_from_db()
    assert dsr.status == RequestStatus.ANSWERED and not mail.outbox


def test_start_page_links_the_dashboard_for_privacy_officers_only(world: World) -> None:
    url = reverse("privacy:requests")
    assert url in world.client_for("privacy_officer").get(reverse("accounts:home")).content.decode()
    assert url not in world.client_for("administrator").get(reverse("accounts:home")).content.decode()


# --- The API (R-DSR-1) -------------------------------------------------------------------
API = {"name": "Jan de Vries", "kind": "erasure"}


def test_api_answers_202_with_the_same_body_for_known_and_unknown(client) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(email="bekend@bedrijf.example")
    url = reverse("api:privacy-request-create")
    known = client.post(url, {**API, "email": "bekend@bedrijf.example"}, content_type="application/json")
    unknown = client.post(url, {**API, "email": "onbekend@elders.example"}, content_type="application/json")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert len(mail.outbox) == 2 and DataSubjectRequest.objects.count() == 2


def test_api_honeypot_throttle_and_bad_input(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_REQUESTS_PER_IP_PER_HOUR = 2
    url = reverse("api:privacy-request-create")
    bad = client.post(url, {**API, "email": "x@example.org", "phone": "12"}, content_type="application/json")
    assert bad.status_code == 400 and "phone" in bad.json()
    good = client.post(url, {**API, "email": "x@example.org"}, content_type="application/json")
    bot = client.post(url, {**API, "email": "y@example.org", "website": "spam"}, content_type="application/json")
    assert bot.status_code == 202 and bot.content == good.content
    assert DataSubjectRequest.objects.count() == 1
    over = client.post(url, {**API, "email": "z@example.org"}, content_type="application/json")
    assert over.status_code == 429 and over["Retry-After"] == "3600"  # review #9
    assert DataSubjectRequest.objects.count() == 1


def test_api_refuses_form_posts_so_other_sites_cannot_file_requests(client) -> None:  # type: ignore[no-untyped-def]
    """Review #9: JSON only; a cross-site HTML form (urlencoded, multipart, text/plain) gets 415."""
    url = reverse("api:privacy-request-create")
    data = {**API, "email": "slachtoffer@example.org"}
    assert client.post(url, data).status_code == 415  # multipart
    assert (
        client.post(
            url, "name=a&email=b%40c.nl&kind=erasure", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 415
    )
    assert client.post(url, "name=a", content_type="text/plain").status_code == 415
    assert not DataSubjectRequest.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("192.0.2.1", "::ffff:192.0.2.1", True),
        ("192.0.2.1", "192.0.2.2", False),
    ],
)
def test_the_per_ip_limit_counts_ipv6_by_its_64(settings, first: str, second: str, shared: bool) -> None:  # type: ignore[no-untyped-def]
    """Review #10: one subscriber's /64 is one address for the limit."""
    settings.PRIVACY_REQUESTS_PER_IP_PER_HOUR = 1
    services.request_submit(data=services.request_clean(name="A B", email="a@example.org", kind="access"), ip=first)
    data = services.request_clean(name="A B", email="b@example.org", kind="access")
    if shared:
        with pytest.raises(services.TooManyRequests):
            services.request_submit(data=data, ip=second)
    else:
        assert services.request_submit(data=data, ip=second) is not None


def test_api_needs_no_csrf_token(world: World) -> None:
    from django.test import Client

    http = Client(enforce_csrf_checks=True)
    http.force_login(world.users["agent_with_lease"])
    response = http.post(
        reverse("api:privacy-request-create"), {**API, "email": "a@example.org"}, content_type="application/json"
    )
    assert response.status_code == 202


def test_api_is_in_the_schema(client) -> None:  # type: ignore[no-untyped-def]
    world_user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(world_user)
    verify_session(client, world_user)  # an administrator's session passes 2FA first (R-SEC-1)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/privacy/requests/"]["post"]
    assert "202" in operation["responses"] and "429" in operation["responses"]
    # No authentication: no security requirement beyond "none".
    assert operation.get("security", [{}]) in ([], [{}])
    assert "requestBody" in operation


# --- Change log and demo data ---------------------------------------------------------------
def test_change_log_masks_the_requesters_details() -> None:
    dsr = _file("jan@example.org")
    entry = LogEntry.objects.get_for_object(dsr).get()
    changes = entry.changes if isinstance(entry.changes, dict) else __import__("json").loads(entry.changes)
    text = str(changes) + entry.object_repr
    assert "jan@example.org" not in text and "Jan de Vries" not in text and "192.0.2.1" not in text
    assert dsr.confirm_nonce not in text
    assert changes["email"][1] == "[redacted]"


def test_demo_requests_are_idempotent_and_one_is_overdue() -> None:
    seed_privacy_demo()
    seed_privacy_demo()
    requests = list(DataSubjectRequest.objects.all())
    assert len(requests) == 2
    assert all(r.status == RequestStatus.OPEN for r in requests)
    assert sum(r.due_at < timezone.now() for r in requests) == 1
    assert {r.kind for r in requests} == {RequestKind.ACCESS, RequestKind.ERASURE}


def test_demo_requesters_are_contact_persons_and_stay_gone_once_erased(world) -> None:  # type: ignore[no-untyped-def]
    from apps.privacy.erasure import persons_erase
    from apps.prospects.models import Person
    from apps.prospects.services import DeletionReason

    seed_privacy_demo()
    eric = Person.objects.get(email="eric.erasure@example.nl")
    assert eric.prospect_links.get().prospect.assignment == world.assignment  # Acme's active assignment

    persons_erase(person_ids=[eric.pk], reason=DeletionReason.ERASURE)
    seed_privacy_demo()

    assert not Person.objects.filter(email="eric.erasure@example.nl").exists()
    assert not DataSubjectRequest.objects.filter(email="eric.erasure@example.nl").exists()
    assert Person.objects.filter(email="petra.prospect@example.nl").count() == 1
