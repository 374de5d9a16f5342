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
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.clients.models import LegalBasis
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
        "legal_form",  # issue 14 #8: a sole trader's data are personal data
    }
)
PERSON_FIELDS = frozenset({"first_name", "tussenvoegsel", "last_name", "job_title", "email", "phone", "legal_basis"})
# The personal values a correction may carry to other clients' records (R-IMP-4).
SHARED_PERSON_FIELDS = ("first_name", "tussenvoegsel", "last_name", "job_title", "email", "phone")
# Compared without case: a correction of "sales manager" to "Sales manager" is none.
_CASELESS_FIELDS = frozenset({"first_name", "tussenvoegsel", "last_name", "job_title"})
# The field of a difference that says "another client's agent reported this person gone".
LEFT_COMPANY_SIGNAL = "left_company"


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
def restricted_message() -> str:
    """What anyone but the privacy office is told when changing a restricted person."""
    return _(
        "This contact person asked us to restrict the processing of their data (GDPR Art. 18): the record is "
        "kept as it is and cannot be changed. Ask our privacy office if it must be corrected."
    )


def person_update(
    *,
    person: Person,
    actor: Any,
    now: dt.datetime | None = None,
    rectifying_restricted: bool = False,
    **values: Any,
) -> Person:
    """Correct or confirm a client's own person record; either way it is verified now
    (R-RET-3), and its differences to verify are settled (the agent or client has looked).
    A corrected personal value goes to other clients' records only as
    `person_correction_share` allows (R-IMP-4).

    A person whose processing is restricted (R-DSR-5, Art. 18) is kept, not processed: no
    client, agent or accepted difference changes or "verifies" them. Only the privacy
    office's rectification (Art. 16, often the very reason for the restriction) passes
    `rectifying_restricted=True`."""
    from apps.imports.models import Difference

    if person.restricted_at is not None and not rectifying_restricted:
        raise ServiceError(restricted_message())

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
    now = now or timezone.now()
    before = PersonIdentity.of(person)
    old = {field: getattr(person, field) for field in SHARED_PERSON_FIELDS}
    for field, value in values.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    if not person.last_name and not person.email:
        raise ServiceError(_("A contact person needs at least a last name or an email address."))
    person.verified_at = now
    person.save()
    Difference.objects.filter(person=person).delete()
    # "de Vries" split into tussenvoegsel "de" and last name "Vries" is the same name: no
    # correction of another client's "de Vries" (which would lose its "de").
    same_surname = before.last_name.strip().lower() == person.surname.lower()
    person_correction_share(
        corrections=[
            PersonCorrection(before, field, old[field], getattr(person, field))
            for field in SHARED_PERSON_FIELDS
            if not (same_surname and field in ("last_name", "tussenvoegsel"))
        ],
        now=now,
    )
    return person


@dataclass(frozen=True)
class PersonIdentity:
    """Who a record names, as it stood before a correction: its client, its company and
    the full name (the only key by which records of different clients are related)."""

    person_id: uuid.UUID
    client_id: uuid.UUID
    company_id: uuid.UUID
    first_name: str
    last_name: str

    @classmethod
    def of(cls, person: Person) -> PersonIdentity:
        # The last name with its tussenvoegsel: "van der Berg" in one field or two is one name.
        return cls(person.pk, person.client_id, person.company_id, person.first_name, person.surname)

    @property
    def key(self) -> tuple[str, str] | None:
        """(first, last) normalised, or None when the record lacks either: no full name, no relation."""
        first, last = self.first_name.strip().lower(), self.last_name.strip().lower()
        return (first, last) if first and last else None


@dataclass(frozen=True)
class PersonCorrection:
    """One personal value of one record replaced by another (`old` → `new`)."""

    identity: PersonIdentity
    field: str
    old: str
    new: str

    @property
    def shareable(self) -> bool:
        old, new = (self.old or "").strip(), (self.new or "").strip()
        if self.field in _CASELESS_FIELDS:
            old, new = old.lower(), new.lower()
        return self.field in SHARED_PERSON_FIELDS and bool(old and new) and old != new and self.identity.key is not None


def person_correction_share(*, corrections: Sequence[PersonCorrection], now: dt.datetime) -> int:
    """Carry corrections of personal values to the other clients' records of the same
    person, as narrowly as R-IMP-4 allows ("a client receives corrections only of personal
    values it supplied itself, for a person its row names in full at the same company").
    The one place where anything of one client's person record reaches another client's.

    A correction of `field` from `old` to `new` on a record of client A (by A's agent on the
    call screen, A's edit of its database, an import of A that replaced an older value)
    reaches a record of another client B when, and only when:
    - B's record names the same person in full: first AND last name, compared without case
      and surrounding blanks, both non-blank, at the same company (the corrected record's
      name and company as they stood before the correction); an email or a phone number on
      its own never relates two records ("a bare identifier never links");
    - B's record holds the same old value in that field (names and job title compared
      without case), which is not blank: a blank field is never filled, and a value B has
      of its own that differs from A's old one is never touched;
    - the field is a personal value: first name, last name, job title, email, phone.
    Then R-IMP-3's precedence applies to B's record: a record verified within the last
    VERIFY_AFTER_MONTHS months keeps its value and gets a difference to verify (an
    `apps.imports.models.Difference` without import, in the assignment that most recently
    linked it; a record linked nowhere gets none), which its agents see on the call screen;
    an older one takes the new value. B's `verified_at` stays as it is: nobody of B
    verified the record. Nothing of this is reported back to A, so A cannot learn whether
    B has the person (R-NTK-1). Returns the number of values passed on (taken or as a
    difference).
    """
    from apps.imports.models import Difference

    rows = [c for c in corrections if c.shareable]
    if not rows:
        return 0
    cutoff = now - relativedelta(months=settings.LEADHUNTER_PERIODS["VERIFY_AFTER_MONTHS"])
    columns: list[list[Any]] = [[] for _i in range(7)]
    for c in rows:
        first, last = c.identity.key  # type: ignore[misc]
        for column, value in zip(
            columns,
            (c.identity.client_id, c.identity.company_id, first, last, c.field, c.old.strip(), c.new.strip()),
            strict=True,
        ):
            column.append(value)
    caseless = ", ".join(f"'{f}'" for f in sorted(_CASELESS_FIELDS))
    with connection.cursor() as cursor:
        # The person_company_name_idx index answers the join: company, lower(last), lower(first).
        cursor.execute(
            f"""SELECT DISTINCT ON (t.id, c.field) t.id, c.field, c.new, t.verified_at >= %s,
                       (SELECT pr.assignment_id FROM prospects_prospectperson pp
                        JOIN prospects_prospect pr ON pr.id = pp.prospect_id
                        WHERE pp.person_id = t.id ORDER BY pp.created_at DESC, pp.id DESC LIMIT 1)
                FROM unnest(%s::uuid[], %s::uuid[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
                     AS c(client_id, company_id, first_name, last_name, field, old, new)
                JOIN prospects_person t ON t.company_id = c.company_id AND t.client_id <> c.client_id
                     AND lower(concat_ws(' ', nullif(t.tussenvoegsel, ''), t.last_name)) = c.last_name
                     AND lower(t.first_name) = c.first_name
                WHERE CASE WHEN c.field IN ({caseless}) THEN lower(c.old) ELSE c.old END
                    = CASE c.field WHEN 'first_name' THEN lower(btrim(t.first_name))
                                   WHEN 'tussenvoegsel' THEN lower(btrim(t.tussenvoegsel))
                                   WHEN 'last_name' THEN lower(btrim(t.last_name))
                                   WHEN 'job_title' THEN lower(btrim(t.job_title))
                                   WHEN 'email' THEN t.email WHEN 'phone' THEN t.phone END
                ORDER BY t.id, c.field""",  # noqa: S608 (no input in the text: fixed field names)
            [cutoff, *columns],
        )
        found = cursor.fetchall()
        taken: dict[str, tuple[list[uuid.UUID], list[str]]] = {}
        differences = []
        for target_id, field, new, recent, assignment_id in found:
            if recent:
                if assignment_id is not None:
                    differences.append(
                        Difference(
                            assignment_id=assignment_id,
                            person_id=target_id,
                            field=field,
                            value=new[:255],
                            created_at=now,
                        )
                    )
            else:
                ids, values = taken.setdefault(field, ([], []))
                ids.append(target_id)
                values.append(new)
        for field, (ids, values) in taken.items():
            assert field in SHARED_PERSON_FIELDS  # the column name goes into the statement
            cursor.execute(
                f"""UPDATE prospects_person t SET {field} = v.new
                    FROM unnest(%s::uuid[], %s::text[]) AS v(id, new) WHERE t.id = v.id""",  # noqa: S608
                [ids, values],
            )
    Difference.objects.bulk_create(differences, batch_size=1000)
    return len(differences) + sum(len(ids) for ids, _values in taken.values())


def person_left_company_signal(*, identity: PersonIdentity, now: dt.datetime) -> int:
    """One client's agent or user reported the person gone: the other clients' records of
    the same full name at the same company are *not* deleted (a client's left-company acts
    on its own record only, R-IMP-4) but get a difference "left_company" for their agents
    to verify on the call screen, in the assignment that most recently linked them. The
    same narrow relation as `person_correction_share`: full name at the company, never a
    bare identifier. Returns the number of records signalled (never shown to the reporter)."""
    from apps.imports.models import Difference

    key = identity.key
    if key is None:
        return 0
    first, last = key
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.id, (SELECT pr.assignment_id FROM prospects_prospectperson pp
                             JOIN prospects_prospect pr ON pr.id = pp.prospect_id
                             WHERE pp.person_id = t.id ORDER BY pp.created_at DESC, pp.id DESC LIMIT 1)
               FROM prospects_person t
               WHERE t.company_id = %s AND t.client_id <> %s AND t.id <> %s
                 AND lower(concat_ws(' ', nullif(t.tussenvoegsel, ''), t.last_name)) = %s
                 AND lower(t.first_name) = %s""",
            [identity.company_id, identity.client_id, identity.person_id, last, first],
        )
        targets = [(pk, assignment_id) for pk, assignment_id in cursor.fetchall() if assignment_id is not None]
    Difference.objects.bulk_create(
        Difference(assignment_id=a, person_id=pk, field=LEFT_COMPANY_SIGNAL, value="", created_at=now)
        for pk, a in targets
    )
    return len(targets)


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
            # The last name with its tussenvoegsel: the ledger's name hash and the redactors
            # see the full name as a file with one column for both would give it.
            """SELECT p.id, p.first_name, concat_ws(' ', nullif(p.tussenvoegsel, ''), p.last_name), p.email,
                      p.phone, c.name, c.id
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
