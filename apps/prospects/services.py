"""Writes on the shared company and person records and on prospects.

Correcting a record verifies it (R-RET-3): `verified_at` becomes now, which restarts the
6- and 12-month clocks. Every path that deletes a person goes through `person_delete`
(R-DEL-1), so that whatever else must happen on a deletion (the erasure ledger, redacting
copies) happens on every path.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import ServiceError
from apps.prospects import normalise
from apps.prospects.models import Company, Person, Prospect
from apps.retention import clock

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
    # After a restore: deleted again because the erasure ledger holds them (R-DEL-2); the
    # ledger already has their entry.
    LEDGER_REPLAY = "ledger_replay", gettext_lazy("Erased before a restore")


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


def _company_values(company: Company, values: dict[str, Any]) -> dict[str, Any]:
    """Known fields only, normalised; a clear error otherwise (nothing written)."""
    unknown = set(values) - COMPANY_FIELDS
    if unknown:
        raise ServiceError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    country = values.get("country") or company.country
    values = _normalised(
        values,
        {"kvk_number": normalise.kvk, "phone": normalise.phone, "postcode": lambda v: normalise.postcode(v, country)},
    )
    if "name" in values and not (values["name"] or "").strip():
        raise ServiceError({"name": _("A company needs a name.")})
    try:
        normalise.website_domain(values.get("website") or "")
    except ValueError as exc:  # e.g. "http://[": a clear error, not a 500
        raise ServiceError({"website": _("Website: not a web address.")}) from exc
    return values


def _company_key(field: str, value: Any) -> str:
    """The value as the import compares it (R-IMP-3): names by their matching key, websites
    by domain, city and industry without case."""
    if value is None:
        return ""
    text = str(value).strip()
    match field:
        case "name":
            return normalise.company_name(text) or text.lower()
        case "website":
            return normalise.website_domain(text)
        case "city" | "industry":
            return text.lower()
    return text


@transaction.atomic
def company_update(
    *, company: Company, actor: Any, now: dt.datetime | None = None, assignment: Any = None, **values: Any
) -> Company:
    """Verification by us (R-CALL-2, R-RET-3): an agent corrects or confirms a company on the
    call screen; the values are written as given and the company is verified now. The
    differences to verify that `assignment`'s clients brought for it are thereby resolved.

    A client's edit is not this: it is a correction, `company_correct`."""
    values = _company_values(company, values)
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
    if assignment is not None:
        from apps.imports.models import Difference

        Difference.objects.filter(assignment=assignment, company=company).delete()
    return company


@transaction.atomic
def company_correct(*, prospect: Prospect, actor: Any, now: dt.datetime | None = None, **values: Any) -> Company:
    """A client's correction of the shared company behind one of its records (portal, API),
    taken as the import takes an uploaded row (R-IMP-3), because the record is shared by
    every client and one client's edit must not silently overwrite another's verified data:

    - a blank shared value is filled; a blank given value changes nothing;
    - a differing value replaces one verified more than VERIFY_AFTER_MONTHS ago;
    - a value verified more recently is kept, and the given one goes to the agents of
      this record's assignment as a difference "to verify" (`imports.Difference`);
    - the KvK number identifies the shared record (the import matches on it): a client
      never re-identifies it directly; any KvK it gives that differs from the record's
      goes "to verify". So this path never looks at which other companies exist, and its
      answer is the same whether or not another tenant's company holds that number (R-NTK-1).

    The company is verified now unless a difference was kept (as the import does). The
    returned company carries `to_verify`: the fields whose given value went "to verify"."""
    from apps.imports.models import Difference

    company = Company.objects.select_for_update().get(pk=prospect.company_id)
    values = _company_values(company, values)
    now = now or timezone.now()
    recent = not clock.needs_verification(company.verified_at, now)
    differences: list[tuple[str, str]] = []
    for field, given in values.items():
        given_key, shared_key = _company_key(field, given), _company_key(field, getattr(company, field))
        if not given_key or given_key == shared_key:
            continue
        if field == "kvk_number" or (shared_key and recent):
            differences.append((field, str(given)))
        else:
            setattr(company, field, given)
    for field, value in differences:
        Difference.objects.get_or_create(
            assignment_id=prospect.assignment_id,
            company=company,
            field=field,
            value=value[:255],
            defaults={"created_at": now},
        )
    company.name_normalised = normalise.company_name(company.name)
    company.website_domain = normalise.website_domain(company.website)
    if not differences:
        company.verified_at = now
    company.save()
    company.to_verify = [field for field, _value in differences]
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


# Deletions for a privacy reason write an erasure-ledger entry (R-DSR-4, R-DEL-2); a
# client deleting its own record is the controller's decision, not an erasure.
PRIVACY_REASONS = frozenset(
    {DeletionReason.LEFT_COMPANY, DeletionReason.PURGE, DeletionReason.ERASURE, DeletionReason.CONSENT_WITHDRAWN}
)


@transaction.atomic
def person_delete(*, person: Person, reason: DeletionReason, actor: Any = None, now: dt.datetime | None = None) -> None:
    """Delete one person everywhere at once (R-DEL-1): the single deletion path of every
    caller (left company, client delete, erasure, consent withdrawn); the 12-month purge
    calls `persons_delete` below, the same code for a batch. See there for what happens."""
    persons_delete(person_ids=[person.pk], reason=reason, actor=actor, now=now)


@transaction.atomic
def persons_delete(
    *, person_ids: Sequence[uuid.UUID], reason: DeletionReason, actor: Any = None, now: dt.datetime | None = None
) -> list[uuid.UUID]:
    """Delete persons everywhere, leaving no copy of their name, email or phone in the
    database outside free-text call notes (R-DEL-1). Returns the ids actually deleted;
    ids already gone are skipped, so running it twice changes nothing.

    In one transaction:
    1. the rows are locked and read (for the hashes and the redactors);
    2. for a privacy reason (PRIVACY_REASONS) an erasure-ledger entry per person:
       keyed hashes of the normalised identifiers and the id, never the values
       (`apps.retention.models.ErasureLedgerEntry`, outside the backups, R-DEL-2);
    3. the person rows go, with every assignment's link and verification flag (one
       statement each; anything another app points at a person, the ORM cascades);
       call notes stay, with the name perhaps inside their text (R-CALL-2);
    4. every auditlog entry about them is redacted completely (`apps.audit.redaction`);
       the deletion itself is not added to the auditlog: the ledger records privacy
       deletions, the prospect's or assignment's own entry records a client's delete;
    5. every registered redactor runs (`apps.privacy.redactors.register_person_redactor`):
       other apps' copies, such as import staging rows and import reports, go there.
    Access logs hold ids only (R-LOG-1) and stay as they are.
    """
    from apps.audit.redaction import log_entries_redact
    from apps.privacy.hashing import IdentifierHashes
    from apps.privacy.redactors import ErasedPerson, run_person_redactors
    from apps.retention.models import ErasureLedgerEntry

    now = now or timezone.now()
    # Set-based SQL with one array parameter: the purge passes thousands of ids at a time.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.id, p.first_name, p.last_name, p.email, p.phone, c.name, c.id
               FROM prospects_person p JOIN prospects_company c ON c.id = p.company_id
               WHERE p.id = ANY(%s) ORDER BY p.id FOR UPDATE OF p""",
            [list(person_ids)],
        )
        erased = [ErasedPerson(*row) for row in cursor.fetchall()]
    if not erased:
        return []
    ids = [p.id for p in erased]
    if reason in PRIVACY_REASONS:
        entries = []
        for p in erased:
            hashes = IdentifierHashes.of_stored(
                email=p.email,
                phone=p.phone,
                first_name=p.first_name,
                last_name=p.last_name,
                company_name=p.company_name,
            )
            entries.append(
                ErasureLedgerEntry(
                    erased_at=now,
                    reason=reason,
                    person_id=p.id,
                    email_hash=hashes.email,
                    phone_hash=hashes.phone,
                    name_company_hash=hashes.name_company,
                    actor_id=getattr(actor, "pk", None),
                )
            )
        ErasureLedgerEntry.objects.bulk_create(entries, batch_size=1000)
    _person_rows_delete(ids)
    log_entries_redact(model=Person, object_ids=ids)
    run_person_redactors(erased)
    return ids


def _person_rows_delete(ids: list[uuid.UUID]) -> None:
    """Delete the person rows and every row that cascades with them, one statement per
    table (links, verification flags, import differences, whatever another app adds with
    on_delete=CASCADE). A relation of another kind makes it fall back to the ORM's delete.
    Either way the deletion is not written to the auditlog (see `persons_delete`)."""
    from auditlog.context import disable_auditlog

    relations = [rel for rel in Person._meta.related_objects if not rel.many_to_many]
    if all(rel.on_delete is models.CASCADE for rel in relations):
        with connection.cursor() as cursor:
            for rel in relations:
                table, column = rel.related_model._meta.db_table, rel.field.column
                cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])  # noqa: S608
            cursor.execute("DELETE FROM prospects_person WHERE id = ANY(%s)", [ids])
        return
    with disable_auditlog():
        Person.objects.filter(pk__in=ids).delete()


@transaction.atomic
def prospect_delete(*, prospect: Prospect, actor: Any = None) -> None:
    """A client deletes one record of its database (R-EXP-3). Its notes stay with the
    assignment; persons linked to no other prospect go (they were the client's)."""
    person_ids = list(prospect.person_links.values_list("person_id", flat=True))
    prospect.delete()
    for person in Person.objects.filter(pk__in=person_ids, prospect_links__isnull=True):
        person_delete(person=person, reason=DeletionReason.CLIENT_DELETE, actor=actor)
