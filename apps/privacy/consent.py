"""Consent (R-CON-1): a confirmation email with a one-click withdrawal link, and the
withdrawal itself, which erases the person at once (delete, suppress, tell the clients).

The link carries a token signed with its own salt, bound to the person's id and valid for
LINK_VALID_MONTHS (24) calendar months after it was sent: long enough for anyone who keeps
the email, also after the person was verified again (review #8). When the person is gone
by then, the withdrawal gives the same answer as for one still there.

At most one confirmation per person per day (review #13; a Redis key on the person's id),
each send is access-logged (R-LOG-1), and a mail failure is a clear error for the sender,
never a 500 (review #1).

Consent itself is recorded by the agent who heard it (`person_consent_record`, issue 11 #8):
the proof (`ConsentRecord`: who, when, how, which assignment), the legal basis *consent*
and the confirmation email above, sent right after the commit. Nothing else sets the legal
basis to consent (`person_update` refuses it), so every person on consent has a proof.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from apps.audit.models import AccessAction
from apps.audit.services import access_log_record
from apps.clients.models import LegalBasis
from apps.core.errors import ServiceError
from apps.privacy.erasure import persons_erase
from apps.privacy.models import ConsentChannel, ConsentRecord
from apps.prospects.models import Lease, Person, Prospect, ProspectPerson
from apps.prospects.services import DeletionReason
from apps.retention import clock

logger = logging.getLogger(__name__)

SALT = "leadhunter.privacy.consent-withdraw"
# How long a withdrawal link works after it was sent (review #8). Fixed, not tied to the
# person's verification date; changing it affects links sent from then on.
LINK_VALID_MONTHS = 24
# At most one confirmation email per person in this many seconds (review #13).
SEND_INTERVAL_SECONDS = 24 * 60 * 60


class InvalidToken(Exception):
    """The link was altered, is not ours, or has expired."""


def consent_token(person: Person, *, now: dt.datetime | None = None) -> str:
    until = clock.months_after(now or timezone.now(), LINK_VALID_MONTHS)
    return signing.dumps({"p": str(person.pk), "u": int(until.timestamp())}, salt=SALT, compress=True)


def consent_token_person_id(token: str, *, now: dt.datetime | None = None) -> uuid.UUID:
    try:
        data = signing.loads(token, salt=SALT)
        person_id, until = uuid.UUID(data["p"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidToken from exc
    if (now or timezone.now()).timestamp() > until:
        raise InvalidToken
    return person_id


def withdraw_url(person: Person) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("privacy_case:consent-withdraw", args=[consent_token(person)])


class MailNotSent(ServiceError):
    """The mail server did not take the email; nothing else changed."""


def _sent_key(person: Person) -> str:
    return f"privacy:consent-sent:{person.pk}"


def consent_confirmation_send(
    *, person: Person, actor: Any, assignment_id: uuid.UUID | None = None, request: Any = None
) -> None:
    """Email a person whose legal basis is consent a confirmation with the withdrawal link.

    Once per person per day: a second send within 24 hours is refused clearly. The send is
    access-logged (the sender used the person's name and address). The email goes at once
    (nothing is written that it must wait for); when the mail server refuses it, the
    day's slot is given back and `MailNotSent` says so."""
    if person.legal_basis != LegalBasis.CONSENT:
        raise ServiceError(_("A consent confirmation can only be sent to a person whose legal basis is consent."))
    if not person.email:
        raise ServiceError(_("This person has no email address."))
    try:
        claimed = cache.add(_sent_key(person), "1", timeout=SEND_INTERVAL_SECONDS)
    except RedisError as exc:
        # Without its daily cap the button could mail a person again and again: refused
        # clearly until Redis is back (R-JOB-1), never a 500.
        raise ServiceError(_("The consent confirmation cannot be sent right now. Try again in a moment.")) from exc
    if not claimed:
        raise ServiceError(
            _("A consent confirmation was already sent to this person in the last 24 hours. Try again tomorrow.")
        )
    access_log_record(actor=actor, action=AccessAction.VIEW, obj=person, assignment_id=assignment_id, request=request)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your consent to be contacted")
        body = "\n".join(
            [
                _("Dear %(name)s,") % {"name": person.full_name or _("Sir or Madam")},
                "",
                _(
                    "You have given consent to be contacted by Leadhunter on behalf of its clients at %(company)s. "
                    "You may withdraw this consent at any time with one click on the link below; your details "
                    "are then deleted at once and will not be used again."
                )
                % {"company": person.company.name},
                "",
                withdraw_url(person),
                "",
                _("Leadhunter privacy office"),
            ]
        )
    try:
        send_mail(subject, body, None, [person.email])
    except Exception as exc:  # SMTP, socket or backend errors alike
        # The exception's text may quote the address: only its class is logged.
        logger.warning("privacy mail not sent to person %s: %s", person.pk, type(exc).__name__)
        try:
            cache.delete(_sent_key(person))
        except RedisError:
            logger.warning("consent send slot of person %s kept: Redis unavailable", person.pk)
        raise MailNotSent(
            _("The consent confirmation could not be sent: the mail server did not accept it. Try again later.")
        ) from exc


def consent_withdraw(*, token: str, now: dt.datetime | None = None) -> None:
    """Withdraw by link (R-CON-1): erase the person at once. Whether they still exist or
    not, the caller gives the same answer; a bad token raises InvalidToken."""
    person_id = consent_token_person_id(token, now=now)
    persons_erase(person_ids=[person_id], reason=DeletionReason.CONSENT_WITHDRAWN, actor=None, now=now)


@dataclass
class ConsentOutcome:
    """What recording consent did: the proof, and (filled in after the commit) whether the
    confirmation email went, or why not, to tell the agent."""

    record: ConsentRecord
    mail_sent: bool = False
    mail_error: str = ""


@transaction.atomic
def person_consent_record(
    *,
    prospect: Prospect,
    person: Person,
    actor: Any,
    channel: str = ConsentChannel.PHONE,
    now: dt.datetime | None = None,
    request: Any = None,
) -> ConsentOutcome:
    """The person told the agent on the phone that they consent to be contacted (R-CON-1).

    For the agent holding the lease of `prospect`, a person linked to it, with an email
    address (the confirmation with the withdrawal link must reach them). A person flagged
    "verify" (details older than 6 months, hidden from the agent) must be confirmed or
    corrected first: the email would otherwise go to an address nobody checked with them,
    perhaps a successor's. Writes the proof, sets the legal basis to consent and verifies
    the person (they just confirmed their details on the phone, R-RET-3). After the
    commit the confirmation is sent through `consent_confirmation_send` (its once-a-day
    cap holds); a mail failure never undoes the consent, it is reported in the outcome."""
    now = now or timezone.now()
    if channel not in ConsentChannel.values:
        raise ServiceError({"channel": _("Choose how the consent was given.")})
    lease = Lease.objects.filter(prospect=prospect, agent=actor, expires_at__gt=now, assignment__is_active=True)
    if not lease.exists():
        raise ServiceError(_("You no longer hold this prospect: your time ran out or the assignment was stopped."))
    if not ProspectPerson.objects.filter(prospect=prospect, person_id=person.pk).exists():
        raise ServiceError(_("This contact person is not part of the record."))
    person = Person.objects.select_for_update().select_related("company").get(pk=person.pk)
    if person.needs_verification(now):
        raise ServiceError(
            _(
                "Confirm or correct this person first (V): their details are older than 6 months, and the "
                "confirmation email must go to an address they have just confirmed."
            )
        )
    if not person.email:
        raise ServiceError(
            _(
                "Consent can only be recorded with an email address: the person receives a confirmation with a "
                "link to withdraw it. Ask for their email address and add it (Correct) first."
            )
        )
    record = ConsentRecord.objects.create(
        person=person, given_at=now, given_by=actor, channel=channel, assignment_id=prospect.assignment_id
    )
    person.legal_basis = LegalBasis.CONSENT
    person.verified_at = now
    person.save(update_fields=["legal_basis", "verified_at"])
    outcome = ConsentOutcome(record=record)

    def confirm() -> None:
        try:
            consent_confirmation_send(person=person, actor=actor, assignment_id=prospect.assignment_id, request=request)
        except ServiceError as exc:
            outcome.mail_error = " ".join(str(m) for m in exc.messages)
        except Exception as exc:  # e.g. the cache is away: the consent stands, the agent is told
            logger.warning("consent confirmation for person %s failed: %s", person.pk, type(exc).__name__)
            outcome.mail_error = str(_("The consent confirmation could not be sent. Try again later."))
        else:
            outcome.mail_sent = True

    # After the commit: no email for a consent that was rolled back.
    transaction.on_commit(confirm, robust=True)
    return outcome
