"""Reads of persons by audience: a person as an agent may see them (R-CALL-3, R-RET-2).

An agent never gets a `Person` row to render or serialize: every agent-facing path (the
call screen and its htmx fragments, "next", the prospect detail API, the verify API, the
"left the company" page) turns it into a `PersonForAgent` here first, where a flagged
person's direct email and phone are simply absent. What the client's users, supervisors
and administrators see (the database) is the other audience; `audience_of` picks which,
and fails closed: anyone who is not a database holder is shown what an agent is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.models import Role
from apps.clients.models import LegalBasis
from apps.prospects.models import Person, full_name
from apps.prospects.services import LEFT_COMPANY_SIGNAL


class Audience(StrEnum):
    AGENT = "agent"  # need-to-know: the masked person (PersonForAgent)
    DATABASE = "database"  # the client, its supervisors, administrators: the whole record


# The roles that hold an assignment's database (SPEC §1). Everyone else, agents first of
# all, is shown persons as an agent is: a new role is masked until stated here.
_DATABASE_HOLDERS = frozenset({Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR})


def audience_of(user: Any) -> Audience:
    return Audience.DATABASE if getattr(user, "role", None) in _DATABASE_HOLDERS else Audience.AGENT


DIFFERENCE_LABELS = {
    "first_name": gettext_lazy("First name"),
    "tussenvoegsel": gettext_lazy("Tussenvoegsel"),
    "last_name": gettext_lazy("Last name"),
    "job_title": gettext_lazy("Job title"),
    "email": gettext_lazy("Direct email"),
    "phone": gettext_lazy("Direct phone"),
    "company": gettext_lazy("Company"),
    # Another client's agent or user reported the person gone (R-IMP-4): a signal, no deletion here.
    LEFT_COMPANY_SIGNAL: gettext_lazy("May have left the company"),
}


@dataclass(frozen=True)
class PersonForAgent:
    """A person as an agent sees them: a flagged person's direct email and phone are not
    even handed to the template or serializer until verified (R-CALL-3, R-RET-2)."""

    id: Any
    first_name: str
    last_name: str
    job_title: str
    email: str | None
    phone: str | None
    verify: bool
    # For "consent given" (R-CON-1): whether an address exists (never the address of a
    # flagged person), and whether the legal basis already is consent.
    has_email: bool = False
    consent: bool = False
    # Differences to verify on this record (R-IMP-3/4): (field label, value or "") pairs.
    # A flagged person's email and phone values are left out like the record's own.
    to_verify: tuple[tuple[str, str], ...] = ()
    tussenvoegsel: str = ""
    # Restricted on their request (R-DSR-5, Art. 18): kept, not processed. The agent sees
    # "restricted" and nothing of the person (see `person_for_agent`).
    restricted: bool = False

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.tussenvoegsel, self.last_name)


def person_for_agent(person: Person, now: dt.datetime | None = None) -> PersonForAgent:
    """The one way a person reaches an agent. A restricted person (R-DSR-5) arrives as a
    marker only: no name, job title, email or phone, nothing to verify."""
    if person.restricted_at is not None:
        return PersonForAgent(
            id=person.id,
            first_name="",
            last_name="",
            job_title="",
            email=None,
            phone=None,
            verify=False,
            restricted=True,
        )
    flagged = person.needs_verification(now or timezone.now())
    return PersonForAgent(
        id=person.id,
        first_name=person.first_name,
        tussenvoegsel=person.tussenvoegsel,
        last_name=person.last_name,
        job_title=person.job_title,
        email=None if flagged else person.email,
        phone=None if flagged else person.phone,
        verify=flagged,
        has_email=bool(person.email),
        consent=person.legal_basis == LegalBasis.CONSENT,
        to_verify=tuple(
            (
                str(DIFFERENCE_LABELS.get(d["field"], d["field"])),
                ""
                if d["field"] == LEFT_COMPANY_SIGNAL or (flagged and d["field"] in ("email", "phone"))
                else d["value"],
            )
            # Filled by the call screen's query (`apps.calling.selectors._PERSONS_SQL`).
            for d in getattr(person, "to_verify", None) or ()
        ),
    )


def persons_for_agent(persons: Iterable[Person], now: dt.datetime | None = None) -> list[PersonForAgent]:
    now = now or timezone.now()
    return [person_for_agent(p, now) for p in persons]


def person_records_of_same_persons(person_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The given records and every other client's record of the same real person (R-IMP-4
    keeps one record per person per client): the same non-blank email, or the same full
    name (first and last, the tussenvoegsel with the last, without case, both non-blank) at
    the same company.

    For the data subject's rights only (erasure, withdrawn consent, the identity link of a
    request), where leaving one client's copy behind would break the promise "deleted";
    never for passing values between clients (that is `person_correction_share`'s narrower
    rule, where a bare identifier never relates two records)."""
    if not person_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT o.id FROM prospects_person p JOIN prospects_person o ON o.email = p.email
               WHERE p.id = ANY(%s) AND p.email <> ''
               UNION
               SELECT o.id FROM prospects_person p JOIN prospects_person o
                 ON o.company_id = p.company_id AND lower(o.first_name) = lower(p.first_name)
                AND lower(concat_ws(' ', nullif(o.tussenvoegsel, ''), o.last_name))
                  = lower(concat_ws(' ', nullif(p.tussenvoegsel, ''), p.last_name))
               WHERE p.id = ANY(%s) AND p.first_name <> '' AND p.last_name <> ''""",
            [list(person_ids), list(person_ids)],
        )
        found = {row[0] for row in cursor.fetchall()}
    return sorted(found | set(person_ids))
