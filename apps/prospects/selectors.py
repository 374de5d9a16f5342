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
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils import timezone

from apps.accounts.models import Role
from apps.clients.models import LegalBasis
from apps.prospects.models import Person


class Audience(StrEnum):
    AGENT = "agent"  # need-to-know: the masked person (PersonForAgent)
    DATABASE = "database"  # the client, its supervisors, administrators: the whole record


# The roles that hold an assignment's database (SPEC §1). Everyone else, agents first of
# all, is shown persons as an agent is: a new role is masked until stated here.
_DATABASE_HOLDERS = frozenset({Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR})


def audience_of(user: Any) -> Audience:
    return Audience.DATABASE if getattr(user, "role", None) in _DATABASE_HOLDERS else Audience.AGENT


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

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def person_for_agent(person: Person, now: dt.datetime | None = None) -> PersonForAgent:
    """The one way a person reaches an agent."""
    flagged = person.needs_verification(now or timezone.now())
    return PersonForAgent(
        id=person.id,
        first_name=person.first_name,
        last_name=person.last_name,
        job_title=person.job_title,
        email=None if flagged else person.email,
        phone=None if flagged else person.phone,
        verify=flagged,
        has_email=bool(person.email),
        consent=person.legal_basis == LegalBasis.CONSENT,
    )


def persons_for_agent(persons: Iterable[Person], now: dt.datetime | None = None) -> list[PersonForAgent]:
    now = now or timezone.now()
    return [person_for_agent(p, now) for p in persons]
