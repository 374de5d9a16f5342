"""Consent (R-CON-1): a confirmation email with a one-click withdrawal link, for persons whose
legal basis is consent; GET shows a button and changes nothing, POST erases the person at
once (ledger, suppression, client notice); the same answer whether or not they still exist;
altered, foreign and expired links are refused clearly."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AccessLogEntry
from apps.clients.models import LegalBasis
from apps.core.errors import ServiceError
from apps.privacy.consent import SALT, consent_confirmation_send, consent_token
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus, SuppressionEntry
from apps.prospects.models import Person, ProspectPerson
from apps.retention.models import ErasureLedgerEntry, Notice, NoticeKind
from tests import factories
from tests.conftest import World
from tests.imports.helpers import csv_bytes, run_import
from tests.test_privacy_erasure import failing_mail  # noqa: F401 (a fixture)


def _consenting(world: World, **kwargs) -> Person:  # type: ignore[no-untyped-def]
    person = world.person
    Person.objects.filter(pk=person.pk).update(legal_basis=LegalBasis.CONSENT, **kwargs)
    person.refresh_from_db()
    return person


def _main(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().split("<main>")[1].split("</main>")[0]


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/privacy/consent/withdraw/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_consent_end_to_end_from_the_portal_button_to_the_withdrawal(  # type: ignore[no-untyped-def]
    world: World, django_capture_on_commit_callbacks
) -> None:
    person = _consenting(world)
    client = world.client_for("client_same_tenant")
    edit = reverse("portal:prospect-edit", args=[world.prospect.pk])
    send = reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, person.pk])
    assert send in client.get(edit).content.decode()  # the button on the record page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send)
    assert response.status_code == 302 and response["Location"] == edit
    (message,) = mail.outbox
    assert message.to == [person.email]
    link = _link_in(message.body)

    # A mail scanner fetching the link changes nothing.
    public = world.client_for("anonymous")
    page = public.get(link)
    assert page.status_code == 200 and '<form method="post"' in page.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = public.post(link)
    assert response.status_code == 200 and response.context["withdrawn"]
    assert not Person.objects.filter(pk=person.pk).exists()
    assert ErasureLedgerEntry.objects.get(person_id=person.pk).reason == "consent_withdrawn"
    assert SuppressionEntry.objects.filter(reason="consent_withdrawn").count() == 1
    notice = Notice.objects.get(kind=NoticeKind.PERSONS_ERASED)
    assert (notice.recipient, notice.assignment, notice.count) == (
        world.users["client_same_tenant"],
        world.assignment,
        1,
    )
    assert any(world.contact.email in m.to and person.last_name in m.body for m in mail.outbox)

    # The same answer again, and the person stays out of a new upload.
    again = public.post(link)
    assert again.status_code == 200 and _main(again) == _main(response)
    data = csv_bytes([[person.company.name, person.company.kvk_number, "", "", "", "", "", person.email, ""]])
    job = run_import(world.other_assignment, world.users["client_other_tenant"], data)
    assert job.persons_suppressed == 1


def test_only_persons_whose_basis_is_consent_get_a_confirmation(world: World) -> None:
    with pytest.raises(ServiceError):
        consent_confirmation_send(person=world.person, actor=None)
    response = world.client_for("client_same_tenant").post(
        reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, world.person.pk]), follow=True
    )
    assert response.status_code == 200 and list(response.context["messages"]) and not mail.outbox
    person = _consenting(world, email="")
    with pytest.raises(ServiceError):
        consent_confirmation_send(person=person, actor=None)


def test_the_portal_button_is_for_the_records_own_client(world: World) -> None:
    person = _consenting(world)
    url = reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, person.pk])
    for role in ("client_other_tenant", "supervisor_other_assignment", "agent_with_lease"):
        assert world.client_for(role).post(url).status_code == 404
    # A person of another prospect through this prospect's address: 404.
    other = reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, world.other_person.pk])
    assert world.client_for("client_same_tenant").post(other).status_code == 404


def test_the_officer_sends_it_from_the_lookup(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    person = _consenting(world)
    dsr = factories.DataSubjectRequestFactory(confirmed=True, email=person.email)
    url = reverse("privacy_case:request-consent-send", args=[dsr.pk, person.pk])
    assert world.client_for("privacy_officer").post(url).status_code == 404  # not linked yet
    RequestRecord.objects.create(request=dsr, person=person, linked_at=timezone.now())
    page = world.client_for("privacy_officer").get(reverse("privacy_case:lookup", args=[dsr.pk]))
    assert url in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("privacy_officer").post(
            reverse("privacy_case:request-consent-send", args=[dsr.pk, person.pk])
        )
    assert response.status_code == 302 and mail.outbox[0].to == [person.email]


def test_altered_foreign_and_expired_links_are_refused(world: World) -> None:
    person = _consenting(world)
    public = world.client_for("anonymous")
    token = consent_token(person)
    foreign = signing.dumps({"p": str(person.pk), "u": 4102444800}, compress=True)  # another salt
    expired = signing.dumps({"p": str(person.pk), "u": int(timezone.now().timestamp()) - 1}, salt=SALT, compress=True)
    for bad in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"), foreign, expired, "x"):
        url = reverse("privacy_case:consent-withdraw", args=[bad])
        for method in (public.get, public.post):
            response = method(url)
            assert response.status_code == 400 and response.context["invalid"]
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_link_is_valid_for_24_months_whatever_the_verification_date(world: World) -> None:
    """Review #8: a fixed lifetime from sending, not the purge date at the time of sending:
    a person verified almost 12 months ago (or verified again since) keeps a working link."""
    from apps.privacy.consent import LINK_VALID_MONTHS, InvalidToken, consent_token_person_id

    assert LINK_VALID_MONTHS == 24
    sent = timezone.now()
    person = _consenting(world, verified_at=sent - dt.timedelta(days=360))
    token = consent_token(person, now=sent)
    assert consent_token_person_id(token, now=sent) == person.pk
    assert consent_token_person_id(token, now=sent + dt.timedelta(days=30)) == person.pk  # past the purge date
    assert consent_token_person_id(token, now=sent + dt.timedelta(days=725)) == person.pk  # 23 months and more
    with pytest.raises(InvalidToken):
        consent_token_person_id(token, now=sent + dt.timedelta(days=735))


def test_withdrawing_for_a_person_already_gone_gives_the_same_answer(world: World) -> None:
    person = _consenting(world)
    url = reverse("privacy_case:consent-withdraw", args=[consent_token(person)])
    ProspectPerson.objects.filter(person=person).delete()
    Person.objects.filter(pk=person.pk).delete()
    response = world.client_for("anonymous").post(url)
    assert response.status_code == 200 and response.context["withdrawn"]
    assert not SuppressionEntry.objects.exists()


def test_withdrawing_blanks_the_persons_other_requests(  # type: ignore[no-untyped-def]
    world: World, django_capture_on_commit_callbacks
) -> None:
    """R-DEL-1, review #2: an earlier request of the person keeps nothing of them."""
    person = _consenting(world)
    earlier = factories.DataSubjectRequestFactory(
        confirmed=True, kind=RequestKind.ACCESS, email=person.email, name=person.full_name, message="Wat weet u?"
    )
    DataSubjectRequest.objects.filter(pk=earlier.pk).update(
        status=RequestStatus.ANSWERED, closed_at=timezone.now(), outcome=f"Rapport aan {person.full_name}"
    )
    open_one = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.OBJECTION, email=person.email)
    unconfirmed = factories.DataSubjectRequestFactory(email=person.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("anonymous").post(
            reverse("privacy_case:consent-withdraw", args=[consent_token(person)])
        )
    assert response.status_code == 200 and response.context["withdrawn"]
    earlier.refresh_from_db()
    assert earlier.status == RequestStatus.ANSWERED and earlier.erased_at
    assert (earlier.name, earlier.email, earlier.message) == ("", "", "")
    assert person.last_name not in earlier.outcome
    open_one.refresh_from_db()
    # Issue 14 #5: ended by the withdrawal's erasure with its own outcome, not "answered".
    assert open_one.status == RequestStatus.SUPERSEDED and open_one.closed_at and open_one.email == ""
    assert not DataSubjectRequest.objects.filter(pk=unconfirmed.pk).exists()


# --- Mail failures (review #1) --------------------------------------------------------
def test_a_mail_failure_after_a_withdrawal_gives_the_normal_answer(  # type: ignore[no-untyped-def]
    world: World,
    failing_mail,  # noqa: F811
    django_capture_on_commit_callbacks,
    caplog,
) -> None:
    person = _consenting(world)
    User.objects.filter(pk=world.users["client_same_tenant"].pk).update(email="portal@acme.example")
    failing_mail.refuse = {world.contact.email}
    url = reverse("privacy_case:consent-withdraw", args=[consent_token(person)])
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("anonymous").post(url)
    assert response.status_code == 200 and response.context["withdrawn"]
    assert not Person.objects.filter(pk=person.pk).exists()
    assert [m.to for m in mail.outbox] == [["portal@acme.example"]]  # the other address still got it
    assert world.contact.email not in caplog.text and str(world.acme.pk) in caplog.text


def test_a_mail_server_that_is_down_gives_the_sender_a_clear_message(  # type: ignore[no-untyped-def]
    world: World,
    failing_mail,  # noqa: F811
    caplog,
) -> None:
    person = _consenting(world)
    client = world.client_for("client_same_tenant")
    url = reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, person.pk])
    failing_mail.down = True
    with caplog.at_level(logging.WARNING):
        response = client.post(url, follow=True)
    assert response.status_code == 200 and not mail.outbox
    assert [str(m) for m in response.context["messages"]] == [
        "De toestemmingsbevestiging kon niet worden verstuurd: de mailserver nam hem niet aan. "
        "Probeer het later opnieuw."
    ]
    assert person.email not in caplog.text and str(person.pk) in caplog.text
    # The day's slot is given back: once the server is up, it can be sent.
    failing_mail.down = False
    client.post(url)
    assert [m.to for m in mail.outbox] == [[person.email]]


# --- One a day, access-logged (review #13) ---------------------------------------------
def test_one_confirmation_per_person_per_day_each_access_logged(world: World) -> None:
    person = _consenting(world)
    client = world.client_for("client_same_tenant")
    url = reverse("privacy_case:prospect-consent-send", args=[world.prospect.pk, person.pk])
    client.post(url)
    assert len(mail.outbox) == 1
    entry = AccessLogEntry.objects.get(object_type="prospects.person", object_id=str(person.pk))
    assert entry.actor_id == world.users["client_same_tenant"].pk and entry.assignment_id == world.assignment.pk

    response = client.post(url, follow=True)
    assert len(mail.outbox) == 1
    message = [str(m) for m in response.context["messages"]][-1]
    assert "afgelopen 24 uur al een toestemmingsbevestiging" in message
    # Also through the officer's button: the cap is the person's, not the sender's.
    with pytest.raises(ServiceError):
        consent_confirmation_send(person=person, actor=world.users["privacy_officer"])
    assert len(mail.outbox) == 1
    # One entry for the one confirmation sent; the record page the refusal returned to logs
    # its own view of the person (R-LOG-1).
    sent = AccessLogEntry.objects.filter(object_type="prospects.person", object_id=str(person.pk))
    assert sent.exclude(via="portal:prospect-edit").count() == 1
