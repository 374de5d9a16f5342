"""Writes on the shared company and person records and on prospects.

Correcting a record verifies it (R-RET-3): `verified_at` becomes now, which restarts the
6- and 12-month clocks. Every path that deletes a person goes through `person_delete`
(R-DEL-1), so that whatever else must happen on a deletion (the erasure ledger, redacting
copies) happens on every path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ServiceError
from apps.prospects import normalise
from apps.prospects.models import Company, Person, Prospect

COMPANY_FIELDS = frozenset(
    {
        "name",
        "kvk_number",
        "street",
        "house_number",
        "postcode",
        "city",
        "country",
        "phone",
        "website",
        "industry",
        "employees",
        "status",
    }
)
PERSON_FIELDS = frozenset({"first_name", "last_name", "job_title", "email", "phone", "legal_basis"})


class DeletionReason(models.TextChoices):
    LEFT_COMPANY = "left_company", gettext_lazy("Left the company")
    PURGE = "purge", gettext_lazy("Not verified within 12 months")
    CLIENT_DELETE = "client_delete", gettext_lazy("Deleted by the client")
    ERASURE = "erasure", gettext_lazy("Erasure request")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Consent withdrawn")


def _normalised(values: dict[str, Any], normalisers: dict[str, Any]) -> dict[str, Any]:
    out, errors = {}, {}
    for field, value in values.items():
        try:
            out[field] = normalisers[field](value) if field in normalisers else value
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ServiceError(errors)
    return out


@transaction.atomic
def company_update(*, company: Company, actor: Any, now: dt.datetime | None = None, **values: Any) -> Company:
    """Correct or confirm a company's data; either way it is verified now."""
    unknown = set(values) - COMPANY_FIELDS
    if unknown:
        raise ServiceError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    country = values.get("country", company.country)
    values = _normalised(
        values,
        {"kvk_number": normalise.kvk, "phone": normalise.phone, "postcode": lambda v: normalise.postcode(v, country)},
    )
    if "name" in values and not values["name"].strip():
        raise ServiceError({"name": _("A company needs a name.")})
    if (
        values.get("kvk_number")
        and Company.objects.exclude(pk=company.pk).filter(kvk_number=values["kvk_number"]).exists()
    ):
        raise ServiceError({"kvk_number": _("Another company has this KvK number.")})
    for field, value in values.items():
        setattr(company, field, value)
    company.name_normalised = normalise.company_name(company.name)
    company.website_domain = normalise.website_domain(company.website)
    company.verified_at = now or timezone.now()
    company.save()
    return company


@transaction.atomic
def person_update(*, person: Person, actor: Any, now: dt.datetime | None = None, **values: Any) -> Person:
    """Correct or confirm a person's data; either way they are verified now (R-RET-3)."""
    unknown = set(values) - PERSON_FIELDS
    if unknown:
        raise ServiceError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    values = _normalised(values, {"email": normalise.email, "phone": normalise.phone})
    for field, value in values.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    if not person.last_name and not person.email:
        raise ServiceError(_("A contact person needs at least a last name or an email address."))
    person.verified_at = now or timezone.now()
    person.save()
    return person


def person_verify(*, person: Person, actor: Any, now: dt.datetime | None = None) -> Person:
    """Confirm a person's data as it stands."""
    return person_update(person=person, actor=actor, now=now)


@transaction.atomic
def person_delete(*, person: Person, reason: DeletionReason, actor: Any = None) -> None:
    """Delete a person everywhere at once: every assignment's link goes with them (cascade);
    call notes stay, with the name perhaps inside their free text (R-CALL-2).

    The single deletion path of R-DEL-1: the audit log keeps no personal value (fields are
    masked, `__str__` holds none) and the access log holds ids only.
    """
    Person.objects.filter(pk=person.pk).delete()


@transaction.atomic
def prospect_delete(*, prospect: Prospect, actor: Any = None) -> None:
    """A client deletes one record of its database (R-EXP-3). Its notes stay with the
    assignment; persons linked to no other prospect go (they were the client's)."""
    person_ids = list(prospect.person_links.values_list("person_id", flat=True))
    prospect.delete()
    for person in Person.objects.filter(pk__in=person_ids, prospect_links__isnull=True):
        person_delete(person=person, reason=DeletionReason.CLIENT_DELETE, actor=actor)
