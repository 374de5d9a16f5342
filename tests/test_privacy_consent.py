"""Consent (R-CON-1): a confirmation email with a one-click withdrawal link, for persons whose
legal basis is consent; GET shows a button and changes nothing, POST erases the person at
once (ledger, suppression, client notice); the same answer whether or not they still exist;
altered, foreign and expired links are refused clearly."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from apps.clients.models import LegalBasis
from apps.core.errors import ServiceError
from apps.privacy.consent import SALT, consent_confirmation_send, consent_token
from apps.privacy.models import RequestRecord, SuppressionEntry
from apps.prospects.models import Person, ProspectPerson
from apps.retention.models import ErasureLedgerEntry, Notice, NoticeKind
from tests import factories
from tests.conftest import World
from tests.imports.helpers import csv_bytes, run_import


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


def test_the_link_is_valid_until_the_person_would_be_purged(world: World) -> None:
    from apps.privacy.consent import InvalidToken, consent_token_person_id

    verified = timezone.now() - dt.timedelta(days=30)
    person = _consenting(world, verified_at=verified)
    token = consent_token(person)
    assert consent_token_person_id(token) == person.pk
    assert consent_token_person_id(token, now=verified + dt.timedelta(days=360)) == person.pk
    with pytest.raises(InvalidToken):
        consent_token_person_id(token, now=verified + dt.timedelta(days=370))


def test_withdrawing_for_a_person_already_gone_gives_the_same_answer(world: World) -> None:
    person = _consenting(world)
    url = reverse("privacy_case:consent-withdraw", args=[consent_token(person)])
    ProspectPerson.objects.filter(person=person).delete()
    Person.objects.filter(pk=person.pk).delete()
    response = world.client_for("anonymous").post(url)
    assert response.status_code == 200 and response.context["withdrawn"]
    assert not SuppressionEntry.objects.exists()
