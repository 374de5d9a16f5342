"""API output of the shared records, used by every API that shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from apps.clients.models import LegalBasis
from apps.core.api import SharedFields
from apps.prospects.models import Person
from apps.prospects.selectors import Audience, PersonForAgent, audience_of, person_for_agent


class CompanyOutput(SharedFields, serializers.Serializer):
    """A company's general business data (policy §4.1); no personal data.

    Without `verified_at`: the record is shared, so its verification date tells one client
    when another client's agents or uploads last worked on it (R-NTK-1). The call screen
    says "verify" where it matters (`company_verify`)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    kvk_number = serializers.CharField()
    street = serializers.CharField()
    house_number = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    phone = serializers.CharField()
    website = serializers.CharField()
    industry = serializers.CharField()
    employees = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()


# --- Persons, by audience (R-CALL-3) ---------------------------------------------------
# Two outputs and one function choosing between them. An agent's output reads a
# PersonForAgent (apps/prospects/selectors.py), never a Person row; the database output
# refuses to run unless the caller said the audience holds the database.


class AudienceError(RuntimeError):
    """A person's whole record was about to be serialized for an audience not stated as a
    database holder: a programming error, never a response (fail closed)."""


def database_context(user: Any) -> dict[str, Any]:
    """The serializer context of a database holder's output (clients, supervisors, administrators)."""
    return {"audience": audience_of(user)}


class PersonForAgentOutput(SharedFields, serializers.Serializer):
    """A person as an agent sees them (PersonForAgent)."""

    id = serializers.UUIDField()
    first_name = serializers.CharField()
    tussenvoegsel = serializers.CharField()
    last_name = serializers.CharField()
    job_title = serializers.CharField()
    # Null while the person must be verified (R-CALL-3): the value never leaves the server.
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    verify = serializers.BooleanField(help_text="Verified more than 6 months ago: confirm or correct before use.")
    restricted = serializers.BooleanField(
        help_text="Restricted at the person's request (GDPR Art. 18): not to be processed; no details given."
    )

    def to_representation(self, instance: Any) -> Any:
        if not isinstance(instance, PersonForAgent):
            raise AudienceError("An agent's output takes a PersonForAgent (person_for_agent), not a Person row.")
        return super().to_representation(instance)


class PersonOutput(serializers.Serializer):
    """A person's whole record, for those who hold the database (never an agent). A
    restricted person (R-DSR-5, Art. 18) comes as the download shows them: the name the
    client supplied, `restricted` true, and no job title, email or phone."""

    id = serializers.UUIDField()
    first_name = serializers.CharField()
    tussenvoegsel = serializers.CharField()
    last_name = serializers.CharField()
    job_title = serializers.CharField(allow_null=True, help_text="Null while the person is restricted.")
    email = serializers.CharField(allow_null=True, help_text="Null while the person is restricted.")
    phone = serializers.CharField(allow_null=True, help_text="Null while the person is restricted.")
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    verified_at = serializers.DateTimeField()
    restricted = serializers.SerializerMethodField(
        help_text="Restricted at the person's request (GDPR Art. 18): kept, not processed, not changeable."
    )

    def get_restricted(self, instance: Any) -> bool:
        return instance.restricted_at is not None

    def to_representation(self, instance: Any) -> Any:
        if self.context.get("audience") is not Audience.DATABASE:
            raise AudienceError("PersonOutput needs context=database_context(user) of a database holder.")
        data = super().to_representation(instance)
        if data["restricted"]:
            data.update(job_title=None, email=None, phone=None)
        return data


def person_output(user: Any, person: Person, now: dt.datetime | None = None) -> dict[str, Any]:
    """One person as `user` may see them: the agent's masked view or the whole record."""
    if audience_of(user) is Audience.AGENT:
        return PersonForAgentOutput(person_for_agent(person, now)).data
    return PersonOutput(person, context=database_context(user)).data
