"""Consent given on the phone (issue 11 #8, R-CON-1): the agent holding the lease records it
(who, when, how, which assignment), the legal basis becomes consent, the person is verified,
and the confirmation with the withdrawal link is emailed right after the commit; the client
sees the proof on its record page and the requester in the access report; withdrawing
deletes the person together with the proof."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AccessLogEntry
from apps.clients.models import LegalBasis
from apps.core.errors import ServiceError
from apps.privacy.consent import person_consent_record
from apps.privacy.models import ConsentChannel, ConsentRecord, RequestRecord
from apps.prospects.models import Lease, Person
from apps.prospects.services import person_verify
from tests import factories
from tests.conftest import World
from tests.test_privacy_erasure import failing_mail  # noqa: F401 (a fixture)

HTMX = {"HTTP_HX_REQUEST": "true"}
# The page and the API tell the agent whether the confirmation went: that is known only after
# a real commit, so these tests commit (the email goes at the end of the service's transaction).
REAL_COMMIT = pytest.mark.django_db(transaction=True)


def _record(world: World, person: Person | None = None, **kwargs):  # type: ignore[no-untyped-def]
    return person_consent_record(
        prospect=world.prospect, person=person or world.person, actor=world.users["agent_with_lease"], **kwargs
    )


def _withdraw_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/privacy/consent/withdraw/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def _flag(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=200))
    person.refresh_from_db()


# --- The service ---------------------------------------------------------------------
def test_agent_records_consent_with_its_proof_and_the_confirmation_goes_at_once(  # type: ignore[no-untyped-def]
    world: World, django_capture_on_commit_callbacks
) -> None:
    person, agent = world.person, world.users["agent_with_lease"]
    Person.objects.filter(pk=person.pk).update(verified_at=timezone.now() - dt.timedelta(days=30))
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = _record(world)

    record = ConsentRecord.objects.get(person=person)
    assert (record.given_by, record.channel, record.assignment) == (agent, ConsentChannel.PHONE, world.assignment)
    assert record.given_at >= before and outcome.record == record
    person.refresh_from_db()
    assert person.legal_basis == LegalBasis.CONSENT
    assert person.verified_at == record.given_at  # confirmed on the phone: verified now (R-RET-3)
    assert outcome.mail_sent and outcome.mail_error == ""
    (message,) = mail.outbox
    assert message.to == [person.email] and "/privacy/consent/withdraw/" in message.body
    # The send used the person's address: access-logged, ids only (R-LOG-1).
    assert AccessLogEntry.objects.filter(
        actor_id=agent.pk, object_type="prospects.person", object_id=str(person.pk), assignment_id=world.assignment.pk
    ).exists()


def test_no_email_is_sent_for_a_consent_that_was_rolled_back(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _record(world)
        raise RuntimeError("the surrounding work failed")
    assert mail.outbox == [] and not ConsentRecord.objects.exists()


def test_consent_needs_an_email_address_and_says_so(world: World) -> None:
    Person.objects.filter(pk=world.person.pk).update(email="")
    with pytest.raises(ServiceError, match="e-mailadres"):
        _record(world)
    assert not ConsentRecord.objects.exists()
    assert Person.objects.get(pk=world.person.pk).legal_basis == LegalBasis.LEGITIMATE_INTEREST


def test_a_flagged_person_must_be_confirmed_before_consent_is_recorded(  # type: ignore[no-untyped-def]
    world: World, django_capture_on_commit_callbacks
) -> None:
    """Decision: recording consent does not count as verification for a flagged person. The
    agent never saw their (hidden) email address, so the confirmation would go to an address
    nobody checked with them; the agent confirms or corrects first (V), then records."""
    person = world.person
    _flag(person)
    with pytest.raises(ServiceError, match=r"\(V\)"):
        _record(world)
    assert not ConsentRecord.objects.exists() and mail.outbox == []

    person_verify(person=person, actor=world.users["agent_with_lease"])
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _record(world)
    assert outcome.mail_sent and ConsentRecord.objects.filter(person=person).count() == 1


def test_only_the_agent_holding_a_live_lease_records_consent(world: World) -> None:
    past = timezone.now() - dt.timedelta(hours=1)
    Lease.objects.filter(pk=world.lease.pk).update(leased_at=past, expires_at=past + dt.timedelta(minutes=30))
    with pytest.raises(ServiceError, match="niet meer"):
        _record(world)
    with pytest.raises(ServiceError, match="niet meer"):
        person_consent_record(prospect=world.prospect, person=world.person, actor=world.users["agent_without_lease"])
    assert not ConsentRecord.objects.exists()


def test_a_person_of_another_record_is_refused(world: World) -> None:
    with pytest.raises(ServiceError, match="hoort niet bij dit record"):
        _record(world, person=world.other_person)
    assert not ConsentRecord.objects.exists()


def test_a_mail_failure_never_loses_the_consent_and_is_reported(  # type: ignore[no-untyped-def]
    world: World,
    failing_mail,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    failing_mail.down = True
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _record(world)
    assert not outcome.mail_sent and "mailserver" in outcome.mail_error
    assert ConsentRecord.objects.filter(person=world.person).exists()
    assert Person.objects.get(pk=world.person.pk).legal_basis == LegalBasis.CONSENT


def test_the_once_a_day_cap_of_the_confirmation_holds(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        _record(world)
    with django_capture_on_commit_callbacks(execute=True):
        again = _record(world)
    assert ConsentRecord.objects.filter(person=world.person).count() == 2  # both proofs kept
    assert len(mail.outbox) == 1
    assert not again.mail_sent and "24 uur" in again.mail_error


def test_withdrawal_deletes_the_person_and_the_proof(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _record(world)
    link = _withdraw_path(mail.outbox[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("anonymous").post(link)
    assert response.status_code == 200
    assert not Person.objects.filter(pk=world.person.pk).exists()
    assert not ConsentRecord.objects.filter(pk=outcome.record.pk).exists()


def test_left_company_deletes_the_proof_with_the_person(world: World) -> None:
    _record(world)
    url = reverse("api:person-left-company", args=[world.person.pk])
    api = APIClient()
    api.force_authenticate(world.users["agent_with_lease"])
    assert api.post(url).status_code == 204
    assert not ConsentRecord.objects.exists()


# --- The call screen ---------------------------------------------------------------------
def _consent_url(world: World, person: Person | None = None) -> str:
    return reverse("calling:person-consent", args=[world.prospect.pk, (person or world.person).pk])


def test_the_call_screen_offers_consent_given_with_its_key(world: World) -> None:
    body = world.client_for("agent_with_lease").get(reverse("calling:screen", args=[world.prospect.pk])).content
    html = body.decode()
    assert _consent_url(world) in html and "<kbd>G</kbd>" in html and "hx-confirm" in html


@REAL_COMMIT
def test_consent_given_on_the_screen_records_it_and_tells_the_agent_the_mail_went(  # type: ignore[no-untyped-def]
    world: World, django_capture_on_commit_callbacks
) -> None:
    http = world.client_for("agent_with_lease")
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(_consent_url(world), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="persons"' in html and "<html" not in html  # the persons block only: the note stays
    assert "toestemming gegeven" in html.lower()  # the badge
    assert "bevestiging" in html.lower() and "errorlist" not in html
    assert ConsentRecord.objects.get(person=world.person).given_by == world.users["agent_with_lease"]
    assert len(mail.outbox) == 1


def test_without_an_email_the_screen_explains_and_records_nothing(world: World) -> None:
    Person.objects.filter(pk=world.person.pk).update(email="")
    http = world.client_for("agent_with_lease")
    screen = http.get(reverse("calling:screen", args=[world.prospect.pk])).content.decode()
    assert "Geen e-mailadres" in screen
    response = http.post(_consent_url(world), **HTMX)
    assert response.status_code == 400 and "e-mailadres" in response.content.decode()
    assert not ConsentRecord.objects.exists()


@REAL_COMMIT
def test_a_mail_failure_is_shown_to_the_agent(  # type: ignore[no-untyped-def]
    world: World,
    failing_mail,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    failing_mail.down = True
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("agent_with_lease").post(_consent_url(world), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "niet verstuurd" in html and "errorlist" in html
    assert ConsentRecord.objects.filter(person=world.person).exists()


@REAL_COMMIT
def test_without_htmx_the_screen_reloads_with_the_message(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    http = world.client_for("agent_with_lease")
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(_consent_url(world), follow=True)
    assert response.redirect_chain[-1][0] == reverse("calling:screen", args=[world.prospect.pk])
    assert "Toestemming vastgelegd" in response.content.decode()


@pytest.mark.parametrize("role", ["agent_without_lease", "agent_other_assignment", "client_same_tenant", "supervisor"])
def test_nobody_but_the_lease_holder_records_consent_on_the_screen(world: World, role: str) -> None:
    assert world.client_for(role).post(_consent_url(world)).status_code == 404
    assert not ConsentRecord.objects.exists()


# --- The API ------------------------------------------------------------------------------
def _api(world: World, role: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.users[role])
    return api


@REAL_COMMIT
def test_the_api_records_consent_for_the_lease_holder(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(world, "agent_with_lease").post(
            reverse("api:person-consent", args=[world.person.pk]), {}, format="json"
        )
    assert response.status_code == 201, response.content
    data = response.json()
    record = ConsentRecord.objects.get(person=world.person)
    assert data["id"] == str(record.pk) and data["person"] == str(world.person.pk)
    assert data["channel"] == "phone"
    # Filled in after the commit, before the response: the agent learns whether it went.
    assert data["confirmation_sent"] is True and data["confirmation_error"] == ""
    assert len(mail.outbox) == 1


def test_the_api_explains_a_missing_email_with_400(world: World) -> None:
    Person.objects.filter(pk=world.person.pk).update(email="")
    response = _api(world, "agent_with_lease").post(reverse("api:person-consent", args=[world.person.pk]))
    assert response.status_code == 400 and "e-mailadres" in response.content.decode()


def test_another_tenant_gets_the_same_404_as_a_missing_person(world: World) -> None:
    """Globex's agent, holding a lease in Globex's assignment, cannot reach Acme's person;
    the answer does not differ from that for an id that does not exist."""
    factories.LeaseFactory(prospect=world.other_prospect, agent=world.users["agent_other_assignment"])
    api = _api(world, "agent_other_assignment")
    foreign = api.post(reverse("api:person-consent", args=[world.person.pk]))
    missing = api.post(reverse("api:person-consent", args=["00000000-0000-4000-8000-000000000000"]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert not ConsentRecord.objects.exists()
    # Its own person, under its own lease, it may record.
    assert api.post(reverse("api:person-consent", args=[world.other_person.pk])).status_code == 201


# --- The proof shown to the client and to the requester ---------------------------------------
def test_the_client_sees_the_proof_of_its_own_assignments_on_the_record_page(world: World) -> None:
    _record(world)
    # A proof filed under Globex's assignment (as when a record was still shared, before
    # person records became per client, R-IMP-4): not Acme's business.
    ConsentRecord.objects.create(
        person=world.person,
        given_at=timezone.make_aware(dt.datetime(2026, 1, 5, 10, 0)),
        given_by=world.users["agent_other_assignment"],
        channel=ConsentChannel.PHONE,
        assignment=world.other_assignment,
    )
    page = world.client_for("client_same_tenant").get(reverse("portal:prospect-edit", args=[world.prospect.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Bewijs van toestemming" in html and "telefonisch" in html
    assert html.count("gegeven op") == 1  # only the consent of Acme's own assignment
    assert "januari 2026" not in html


def test_the_access_report_holds_the_proof_of_consent(world: World) -> None:
    outcome = _record(world)
    dsr = factories.DataSubjectRequestFactory(confirmed=True, language="en", email=world.person.email)
    RequestRecord.objects.create(request=dsr, person=world.person, linked_at=timezone.now())
    officer = world.client_for("privacy_officer")
    html = officer.get(reverse("privacy_case:report", args=[dsr.pk])).content.decode()
    assert "Proof of consent" in html and "by phone" in html
    data = json.loads(officer.get(reverse("privacy_case:report", args=[dsr.pk]), {"format": "json"}).content)
    (entry,) = data["contact_persons"]
    assert entry["legal_basis"] == "consent"
    assert entry["consents"] == [{"given_at": outcome.record.given_at.isoformat(), "channel": "phone"}]
