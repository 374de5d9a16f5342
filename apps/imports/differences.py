"""Differences "to verify" (R-IMP-3, R-IMP-4): shown with accept / reject on the client's
record page and on the agent's call screen, gone once resolved.

A difference is a value a client gave (an upload, an edit) that differs from a recently
verified shared value. *Accept* takes the given value, *reject* keeps the current one;
either way the difference is resolved and deleted, and the decision is written to the
change log (ids and the field's name, never the value: R-DEL-1).

- On the call screen the agent verifies with the company: accepting writes the value as
  the agent's correction does (`company_update` / `person_update`, verification by us).
- On the record page the client (or a supervisor on its behalf) decides about its own
  values: a person value is written to the client's own record (`person_update`); a
  company value goes through `company_correct`, so it replaces the shared value only when
  that is no longer recently verified, and otherwise stays for the agents to verify.
  The client is shown only the differences its own uploads and edits brought: a person
  value passed on from another client's correction or another client's "left the
  company" signal is for our agents to verify, never shown to this client (R-NTK-1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError
from apps.imports.models import Difference
from apps.prospects.models import Company, Person, Prospect
from apps.prospects.selectors import DIFFERENCE_LABELS
from apps.prospects.services import (
    LEFT_COMPANY_SIGNAL,
    SHARED_PERSON_FIELDS,
    company_correct,
    company_update,
    person_update,
)

# Person differences that accepting cannot write as a value: the agent acts on the person
# itself ("left the company", or the company on the call screen).
_NOT_A_VALUE = frozenset({LEFT_COMPANY_SIGNAL, "company"})


@dataclass(frozen=True)
class DifferenceRow:
    """One difference as a page shows it."""

    id: int
    token: str  # what the page's URLs name it by (`difference_token`)
    label: str
    value: str  # "" when the reader may not see it (a flagged person's email or phone)
    current: str
    person: str  # the person's name, "" for the company
    can_accept: bool


def _company_label(field: str) -> str:
    try:
        return str(Company._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 (an unknown field name: show it as it is)
        return field


def _rows(
    differences: list[Difference], *, prospect: Prospect, hide_flagged: bool, now: dt.datetime
) -> list[DifferenceRow]:
    rows = []
    for d in differences:
        if d.company_id:
            current = getattr(prospect.company, d.field, "")
            rows.append(
                DifferenceRow(
                    d.pk,
                    difference_token(d.pk),
                    _company_label(d.field),
                    d.value,
                    "" if current is None else str(current),
                    "",
                    True,
                )
            )
            continue
        person = d.person
        hidden = hide_flagged and d.field in ("email", "phone") and person.needs_verification(now)
        value = "" if hidden or d.field == LEFT_COMPANY_SIGNAL else d.value
        current = "" if hidden or d.field in _NOT_A_VALUE else str(getattr(person, d.field, ""))
        rows.append(
            DifferenceRow(
                d.pk,
                difference_token(d.pk),
                str(DIFFERENCE_LABELS.get(d.field, d.field)),
                value,
                current,
                person.full_name,
                not hidden and d.field in SHARED_PERSON_FIELDS,
            )
        )
    return rows


def difference_token(pk: int) -> str:
    """An opaque name for a difference in URLs: its id is a global sequence, which would tell
    a client how many differences the whole platform records (R-NTK-1)."""
    return salted_hmac("apps.imports.differences", str(pk)).hexdigest()[:24]


def difference_by_token(qs: Any, token: str) -> Difference | None:
    """The difference of `qs` (one record's: a handful) that `token` names, or None."""
    for difference in qs:
        if constant_time_compare(difference_token(difference.pk), token):
            return difference
    return None


def record_differences(prospect: Prospect) -> Any:
    """The differences the client sees on its record: those its own assignment's uploads and
    edits brought, for the record's company and its linked persons."""
    return (
        Difference.objects.filter(assignment_id=prospect.assignment_id)
        .filter(
            Q(company_id=prospect.company_id)
            | Q(person__prospect_links__prospect=prospect, import_job__assignment_id=prospect.assignment_id)
        )
        .select_related("person")
        .order_by(F("person__last_name").asc(nulls_first=True), "field", "id")
    )


def call_screen_differences(prospect: Prospect) -> Any:
    """The differences the agent verifies on the call screen: the company's brought by this
    assignment, and every difference of the record's persons (as the screen showed them)."""
    return (
        Difference.objects.filter(
            Q(company_id=prospect.company_id, assignment_id=prospect.assignment_id)
            | Q(person__prospect_links__prospect=prospect)
        )
        .select_related("person")
        .order_by(F("person__last_name").asc(nulls_first=True), "field", "id")
    )


def difference_rows(qs: Any, *, prospect: Prospect, hide_flagged: bool, now: dt.datetime | None = None) -> list:
    return _rows(list(qs), prospect=prospect, hide_flagged=hide_flagged, now=now or timezone.now())


def _log(difference: Difference, *, actor: Any, decision: str) -> None:
    LogEntry.objects.log_create(
        difference,
        force_log=True,
        action=LogEntry.Action.DELETE,
        changes={"field": [difference.field, None], "decision": [decision, None]},
        actor=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def difference_reject(*, difference: Difference, actor: Any) -> None:
    """Keep the current value: the given one is dropped."""
    _log(difference, actor=actor, decision="rejected")
    difference.delete()


@transaction.atomic
def difference_accept(*, difference: Difference, prospect: Prospect, actor: Any, by_agent: bool) -> bool:
    """Take the given value. Returns False when a client's company value stays "to verify"
    (the shared value is recently verified: only our agents replace it, R-IMP-3)."""
    field, value = difference.field, difference.value
    if difference.person_id is None:
        given: Any = value
        if field == "employees":
            try:
                given = int(value)
            except ValueError as exc:
                raise ServiceError(_("This value is not a number of employees.")) from exc
        if by_agent:
            company_update(company=prospect.company, actor=actor, **{field: given})
        else:
            company = company_correct(prospect=prospect, actor=actor, **{field: given})
            if field in company.to_verify:
                return False
        _log(difference, actor=actor, decision="accepted")
        Difference.objects.filter(pk=difference.pk).delete()
        return True
    if field not in SHARED_PERSON_FIELDS:
        raise ServiceError(_("This cannot be taken over as a value; check it with the company."))
    person = Person.objects.select_for_update().get(pk=difference.person_id)
    if by_agent and field in ("email", "phone") and person.needs_verification(timezone.now()):
        # The agent does not see this value (R-CALL-3): confirm or correct the person first.
        raise ServiceError(
            _("Confirm or correct the person first: their direct email and phone are hidden until then.")
        )
    _log(difference, actor=actor, decision="accepted")
    # Verifies the person and settles its differences (R-RET-3), as a correction does.
    person_update(person=person, actor=actor, **{field: value})
    return True
