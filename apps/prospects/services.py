"""Writes on the shared company and person records and on prospects.

Correcting a record verifies it (R-RET-3): `verified_at` becomes now, which restarts the
6- and 12-month clocks. Every path that deletes a person goes through `person_delete`
(R-DEL-1), so that whatever else must happen on a deletion (the erasure ledger, redacting
copies) happens on every path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.clients.models import LegalBasis
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
    values = _normalised(
        values, {"email": normalise.email, "phone": normalise.phone, "legal_basis": normalise.legal_basis}
    )
    if values.get("legal_basis") == LegalBasis.CONSENT and person.legal_basis != LegalBasis.CONSENT:
        # Consent is a fact with a proof (who heard it, when, how: `ConsentRecord`) and a
        # confirmation email (R-CON-1); a bare field edit would have neither.
        raise ServiceError(
            {
                "legal_basis": _(
                    "Consent cannot be typed in: the agent records it on the call screen "
                    '("Consent given"), which keeps who, when and how and sends the confirmation.'
                )
            }
        )
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


# Deletions for a privacy reason (R-DSR-4). Every deletion writes an erasure-ledger entry,
# a client's own delete included, so that no restore brings a deleted person back (R-DEL-2);
# only the replay itself does not (its entry is already there).
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
    2. for every reason but the replay itself an erasure-ledger entry per person:
       keyed hashes of the normalised identifiers and the id, never the values
       (`apps.retention.models.ErasureLedgerEntry`, outside the backups, R-DEL-2);
    3. the person rows go, with every row pointing at them (`person_delete_plan`: every
       relation to Person, hidden ones included, one statement per table, checked
       against the database's foreign keys);
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
    from apps.retention.ledger import is_replaying
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
    if reason != DeletionReason.LEDGER_REPLAY and not is_replaying():
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


@dataclasses.dataclass(frozen=True)
class CascadeStep:
    """One statement of a person deletion: the rows of `table` whose `column` points at a
    row of `parent_table` that is going are deleted ("delete") or unlinked ("set_null").
    `where` selects them with one array parameter, the person ids."""

    table: str
    column: str
    parent_table: str
    action: str  # "delete" | "set_null"
    where: str


@dataclasses.dataclass
class DeletePlan:
    steps: list[CascadeStep] = dataclasses.field(default_factory=list)
    # Non-empty: a relation the set-based delete cannot apply (PROTECT, RESTRICT,
    # SET_DEFAULT, DO_NOTHING, ...): Django's collector deletes instead and applies it.
    orm_only_because: str = ""


def _incoming_relations(model: type[models.Model]) -> list[Any]:
    """Every foreign key and one-to-one pointing at `model`, hidden ones included: a
    relation declared with related_name="+" (VerificationFlag.person, issue 11) or an
    automatic many-to-many table is missing from `_meta.related_objects`, not from this."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and not rel.concrete and not rel.many_to_many
    ]


def _plan_relations(
    plan: DeletePlan, *, parent_table: str, parent_where: str, relations: list[Any], depth: int = 0
) -> None:
    """Add the steps for `relations` (pointing at the rows of `parent_table` that
    `parent_where` selects) to `plan`, depth first."""
    for rel in relations:
        table, column = rel.related_model._meta.db_table, rel.field.column
        target = rel.field.target_field.column
        if depth == 0 and target == "id":
            where = f"{column} = ANY(%s)"  # the person ids themselves: no subquery
        else:
            where = f"{column} IN (SELECT {target} FROM {parent_table} WHERE {parent_where})"  # noqa: S608 (model names)
        if rel.on_delete is models.CASCADE and depth < 5:
            # What points at these rows goes first, while these still exist to select it by.
            _plan_relations(
                plan,
                parent_table=table,
                parent_where=where,
                relations=_incoming_relations(rel.related_model),
                depth=depth + 1,
            )
            plan.steps.append(CascadeStep(table, column, parent_table, "delete", where))
        elif rel.on_delete is models.SET_NULL:
            plan.steps.append(CascadeStep(table, column, parent_table, "set_null", where))
        else:
            plan.orm_only_because = f"{table}.{column}: on_delete={getattr(rel.on_delete, '__name__', rel.on_delete)}"


@functools.cache
def person_delete_plan() -> DeletePlan:
    """The statements that delete persons with everything pointing at them, built from the
    models' relations to Person, hidden ones included, and recursively from the relations
    to the rows that cascade with them. `tests/test_person_delete_cascade.py` compares it
    with the database's own foreign keys (pg_constraint), so a relation it misses fails
    there, and `_person_rows_delete` checks the same once per process."""
    plan = DeletePlan()
    _plan_relations(
        plan,
        parent_table=Person._meta.db_table,
        parent_where="id = ANY(%s)",
        relations=_incoming_relations(Person),
    )
    return plan


# Every foreign key in the database pointing at a table a person deletion deletes from.
_FOREIGN_KEYS_SQL = """
    SELECT c.confrelid::regclass::text, c.conrelid::regclass::text, a.attname
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])
"""


@functools.cache
def _plan_checked_against_database() -> DeletePlan:
    """The plan, after checking that the database holds no foreign key it misses (one
    catalogue query per process): a constraint added outside the models (RunSQL) would
    otherwise surface as an IntegrityError at the commit of every deletion."""
    plan = person_delete_plan()
    tables = {Person._meta.db_table, *(s.table for s in plan.steps if s.action == "delete")}
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS_SQL, [sorted(tables)])
        in_database = set(cursor.fetchall())
    planned = {(s.parent_table, s.table, s.column) for s in plan.steps}
    missing = in_database - planned
    if missing:
        raise ImproperlyConfigured(
            "Foreign keys to persons that the person deletion does not handle: "
            + ", ".join(f"{t}.{c} -> {p}" for p, t, c in sorted(missing))
        )
    return plan


def _person_rows_delete(ids: list[uuid.UUID]) -> None:
    """Delete the person rows and every row that cascades with them, one statement per
    table (links, verification flags, import differences, request records, whatever
    another app adds), nulling SET_NULL relations; see `person_delete_plan`. A relation
    of another kind makes it fall back to the ORM's collector. Either way the deletion is
    not written to the auditlog (see `persons_delete`)."""
    from auditlog.context import disable_auditlog

    plan = _plan_checked_against_database()
    if plan.orm_only_because:
        with disable_auditlog():
            Person.objects.filter(pk__in=ids).delete()
        return
    with connection.cursor() as cursor:
        for step in plan.steps:
            if step.action == "delete":
                cursor.execute(f"DELETE FROM {step.table} WHERE {step.where}", [ids])  # noqa: S608
            else:
                cursor.execute(
                    f"UPDATE {step.table} SET {step.column} = NULL WHERE {step.where}",  # noqa: S608
                    [ids],
                )
        cursor.execute("DELETE FROM prospects_person WHERE id = ANY(%s)", [ids])


@transaction.atomic
def prospect_delete(*, prospect: Prospect, actor: Any = None) -> None:
    """A client deletes one record of its database (R-EXP-3). Its notes stay with the
    assignment; persons linked to no other prospect go (they were the client's)."""
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    person_ids = list(prospect.person_links.values_list("person_id", flat=True))
    # R-DEL-2: a restore must not bring the record (its extra columns) back.
    ledger_write(
        model=Prospect,
        object_ids=[prospect.pk],
        action=LedgerAction.DELETE,
        reason=DeletionReason.CLIENT_DELETE,
        actor=actor,
    )
    prospect.delete()
    for person in Person.objects.filter(pk__in=person_ids, prospect_links__isnull=True):
        person_delete(person=person, reason=DeletionReason.CLIENT_DELETE, actor=actor)
