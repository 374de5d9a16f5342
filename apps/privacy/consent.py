"""Consent (R-CON-1): a confirmation email with a one-click withdrawal link, and the
withdrawal itself, which erases the person at once (delete, suppress, tell the clients).

The link carries a token signed with its own salt, bound to the person's id and valid for
LINK_VALID_MONTHS (24) calendar months after it was sent: long enough for anyone who keeps
the email, also after the person was verified again (review #8). When the person is gone
by then, the withdrawal gives the same answer as for one still there.

At most one confirmation per person per day (review #13; a Redis key on the person's id),
each send is access-logged (R-LOG-1), and a mail failure is a clear error for the sender,
never a 500 (review #1).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.models import AccessAction
from apps.audit.services import access_log_record
from apps.clients.models import LegalBasis
from apps.core.errors import ServiceError
from apps.privacy.erasure import persons_erase
from apps.prospects.models import Person
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
    if not cache.add(_sent_key(person), "1", timeout=SEND_INTERVAL_SECONDS):
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
        cache.delete(_sent_key(person))
        raise MailNotSent(
            _("The consent confirmation could not be sent: the mail server did not accept it. Try again later.")
        ) from exc


def consent_withdraw(*, token: str, now: dt.datetime | None = None) -> None:
    """Withdraw by link (R-CON-1): erase the person at once. Whether they still exist or
    not, the caller gives the same answer; a bad token raises InvalidToken."""
    person_id = consent_token_person_id(token, now=now)
    persons_erase(person_ids=[person_id], reason=DeletionReason.CONSENT_WITHDRAWN, actor=None, now=now)
