"""Consent (R-CON-1): a confirmation email with a one-click withdrawal link, and the
withdrawal itself, which erases the person at once (delete, suppress, tell the clients).

The link carries a token signed with its own salt, bound to the person's id and valid until
the person would be purged anyway (12 months after the verification it was sent at).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.clients.models import LegalBasis
from apps.core.errors import ServiceError
from apps.privacy.erasure import persons_erase
from apps.prospects.models import Person
from apps.prospects.services import DeletionReason
from apps.retention import clock

SALT = "leadhunter.privacy.consent-withdraw"


class InvalidToken(Exception):
    """The link was altered, is not ours, or has expired."""


def consent_token(person: Person) -> str:
    until = clock.purge_due_at(person.verified_at)
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


def consent_confirmation_send(*, person: Person, actor: Any) -> None:
    """Email a person whose legal basis is consent a confirmation with the withdrawal link."""
    if person.legal_basis != LegalBasis.CONSENT:
        raise ServiceError(_("A consent confirmation can only be sent to a person whose legal basis is consent."))
    if not person.email:
        raise ServiceError(_("This person has no email address."))
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
    address = person.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


def consent_withdraw(*, token: str, now: dt.datetime | None = None) -> None:
    """Withdraw by link (R-CON-1): erase the person at once. Whether they still exist or
    not, the caller gives the same answer; a bad token raises InvalidToken."""
    person_id = consent_token_person_id(token, now=now)
    persons_erase(person_ids=[person_id], reason=DeletionReason.CONSENT_WITHDRAWN, actor=None, now=now)
