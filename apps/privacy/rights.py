"""The other rights of a data subject (R-DSR-5; GDPR Art. 18, 19, 20, 21; issue 14 #1, #3).

- **Restriction** (Art. 18): `request_restrict` marks every client's record of the linked
  persons `restricted_at`: kept, not processed. The queue skips a prospect whose persons
  are all restricted, the agent sees "restricted" only (`person_for_agent`, and the access
  helper refuses any action on the person), the download shows "restricted", an import
  leaves the record alone. Each holding client's users get a notice (a count) and an
  email naming the person (what they already have). `restriction_lift` ends it, inside a
  later open request of the person (Art. 18(3): they are told by its answer).
- **Objection** to direct marketing (Art. 21(3)) is answered like an erasure: deleted and
  suppressed for every client (`apps.privacy.erasure.ERASABLE_KINDS`).
- **Portability** (Art. 20): `portability_data` is the person's own data from the access
  report, as JSON and CSV.
- **Corrections passed on** (Art. 19): `correction_pass_on`, after a rectification within a
  request, tells the client holding the corrected record, as erasure does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError
from apps.privacy import lookup_terms
from apps.privacy.casework import AccessReport
from apps.privacy.erasure import Outgoing, _client_addresses, deliver
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord, RequestStatus
from apps.prospects.models import Person, ProspectPerson
from apps.prospects.selectors import person_records_of_same_persons
from apps.retention.ledger import ledger_write
from apps.retention.models import LedgerAction, NoticeKind
from apps.retention.services import client_notices_add


def _send_on_commit(messages: list[Outgoing]) -> None:
    """The emails after the commit, each on its own (`deliver`: a failure is logged by ids)."""
    if messages:
        transaction.on_commit(lambda: deliver(messages), robust=True)


def _per_client(person_ids: Sequence[Any]) -> tuple[dict[Any, dict[str, list[str]]], dict[Any, int]]:
    """Per client: assignment name → the persons' names as that client has them; and the
    count per assignment for the notices. Each client hears of its own records only."""
    by_client: dict[Any, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[Any, int] = defaultdict(int)
    links = (
        ProspectPerson.objects.filter(person_id__in=list(person_ids))
        .select_related("person", "prospect__company", "prospect__assignment")
        .order_by("prospect__assignment__name", "person__last_name", "pk")
    )
    for link in links:
        assignment = link.prospect.assignment
        by_client[assignment.client_id][assignment.name].append(
            f"{link.person.full_name or '—'}, {link.prospect.company.name}"
        )
        counts[assignment.pk] += 1
    return by_client, counts


def _client_emails(by_client: dict[Any, dict[str, list[str]]], subject: str, intro: str, outro: str) -> list[Outgoing]:
    addresses = _client_addresses(list(by_client))
    messages = []
    for client_id, assignments in by_client.items():
        lines = [_("Dear client,"), "", intro, ""]
        for name, persons in sorted(assignments.items()):
            lines.append(_("Assignment: %(assignment)s") % {"assignment": name})
            lines.extend(f"  - {p}" for p in persons)
            lines.append("")
        lines += [outro, "", _("Leadhunter privacy office")]
        body = "\n".join(lines)
        messages += [
            Outgoing(subject, body, address, ref=f"client {client_id}", client_id=client_id)
            for address in addresses.get(client_id, [])
        ]
    return messages


def _close_answered(dsr: DataSubjectRequest, *, actor: Any, outcome: str, now: dt.datetime) -> None:
    dsr.status, dsr.closed_at, dsr.outcome = RequestStatus.ANSWERED, now, outcome
    dsr.handled_by = dsr.handled_by or actor
    dsr.save(update_fields=["status", "closed_at", "outcome", "handled_by"])
    lookup_terms.terms_forget(request_ids=[dsr.pk])


# --- Restriction (Art. 18) --------------------------------------------------------------
@transaction.atomic
def request_restrict(*, dsr: DataSubjectRequest, actor: Any, now: dt.datetime | None = None) -> int:
    """Carry out a restriction request: every client's record of the linked persons is
    restricted; the holding clients are told; the request is closed as answered with the
    count. Returns how many records were restricted (already restricted ones count too)."""
    now = now or timezone.now()
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    if dsr.status != RequestStatus.OPEN:
        raise ServiceError(_("Only an open (confirmed) request can be carried out."))
    if dsr.kind != RequestKind.RESTRICTION:
        raise ServiceError(_("Only a request for restriction can be answered with a restriction."))
    linked = list(RequestRecord.objects.filter(request=dsr, person__isnull=False).values_list("person_id", flat=True))
    if not linked:
        raise ServiceError(_("Link the records that are the requester first."))
    person_ids = person_records_of_same_persons(linked)
    newly = list(Person.objects.filter(pk__in=person_ids, restricted_at__isnull=True).values_list("pk", flat=True))
    # R-DEL-2's ledger: a restore keeps them restricted.
    ledger_write(
        model=Person, object_ids=newly, action=LedgerAction.RESTRICT, reason="restriction", now=now, actor=actor
    )
    Person.objects.filter(pk__in=newly).update(restricted_at=now)
    by_client, counts = _per_client(person_ids)
    client_notices_add(kind=NoticeKind.PERSONS_RESTRICTED, counts=counts, now=now)
    with translation.override(settings.LANGUAGE_CODE):
        messages = _client_emails(
            by_client,
            _("Contact persons restricted at their request"),
            _(
                "The following contact persons from your assignments asked us to restrict the processing of their "
                'data (GDPR Art. 18). We keep their records, marked "restricted", but no longer call or use them.'
            ),
            _("Please do not process these persons either until we tell you that the restriction has ended."),
        )
    with translation.override(dsr.language or settings.LANGUAGE_CODE):
        outcome = _("%(count)d contact person records restricted: kept, not processed; %(clients)d clients told.") % {
            "count": len(person_ids),
            "clients": len(by_client),
        }
    _close_answered(dsr, actor=actor, outcome=outcome, now=now)
    _send_on_commit(messages)
    return len(person_ids)


@transaction.atomic
def restriction_lift(*, dsr: DataSubjectRequest, actor: Any, person_id: Any) -> int:
    """End the restriction of a linked person (every client's record of them), inside an
    open request of that person: its answer tells them (Art. 18(3)). Returns the count."""
    from apps.privacy.casework import linked_person, require_open

    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr.pk)
    require_open(dsr)
    person = linked_person(dsr, person_id)
    ids = person_records_of_same_persons([person.pk])
    lifted = list(Person.objects.filter(pk__in=ids, restricted_at__isnull=False).values_list("pk", flat=True))
    ledger_write(model=Person, object_ids=lifted, action=LedgerAction.LIFT, reason="restriction", actor=actor)
    return Person.objects.filter(pk__in=lifted).update(restricted_at=None)


# --- Portability (Art. 20) --------------------------------------------------------------
PORTABLE_FIELDS = ("record", "first_name", "last_name", "job_title", "email", "phone", "company", "created_at")


def portability_data(report: AccessReport) -> list[dict[str, str]]:
    """The person's own data from the access report (Art. 20): their contact details as each
    record holds them, without our own assessments (flags, clients, recipients). A sole
    trader's company data are theirs too (issue 14 #8)."""
    rows: list[dict[str, str]] = []
    for r in report.persons:
        p = r.person
        rows.append(
            {
                "record": "contact_person",
                "first_name": p.first_name,
                "last_name": p.last_name,
                "job_title": p.job_title,
                "email": p.email,
                "phone": p.phone,
                "company": p.company.name,
                "created_at": p.created_at.isoformat(),
            }
        )
    for c in report.contacts:
        contact = c.contact
        rows.append(
            {
                "record": "client_contact",
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "job_title": contact.job_title,
                "email": contact.email,
                "phone": contact.phone,
                "company": contact.client.name,
                "created_at": contact.created_at.isoformat(),
            }
        )
    for company in getattr(report, "sole_traders", []):
        rows.append(
            {
                "record": "sole_trader_company",
                "first_name": "",
                "last_name": "",
                "job_title": "",
                "email": "",
                "phone": company.phone,
                "company": f"{company.name}, {company.street} {company.house_number}, "
                f"{company.postcode} {company.city}",
                "created_at": company.created_at.isoformat(),
            }
        )
    return rows


def portability_json(report: AccessReport) -> dict[str, Any]:
    return {"request": str(report.dsr.pk), "made_at": report.made_at.isoformat(), "records": portability_data(report)}


def portability_csv(report: AccessReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(PORTABLE_FIELDS))
    writer.writeheader()
    for row in portability_data(report):
        # Portable, not for a spreadsheet's formulas: values that would run are quoted like the export does.
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return out.getvalue()


_PHONE = re.compile(r"\+[0-9]{6,15}")


def _csv_safe(value: str) -> str:
    """Escaped like the client's download (R-EXP-2), except a phone number in E.164,
    which is data, not a formula, and must stay machine-readable (Art. 20)."""
    from apps.imports.exports import escape_formula

    value = value or ""
    return value if _PHONE.fullmatch(value) else escape_formula(value)


# --- Corrections passed on (Art. 19) --------------------------------------------------
CORRECTED_FIELDS = ("first_name", "last_name", "job_title", "email", "phone")


def person_values(person: Person) -> dict[str, str]:
    return {f: getattr(person, f) for f in CORRECTED_FIELDS}


def correction_pass_on(*, person: Person, before: dict[str, str], now: dt.datetime | None = None) -> int:
    """After a rectification within a request: the client holding the record gets a notice
    (a count per assignment) and an email with the corrected values, to correct its own
    copies (Art. 19). Only the client whose record it is: another client's record of the
    person is corrected (and told) on its own link. Returns how many emails were queued.
    Call it inside the transaction of the correction; the emails go after the commit."""
    now = now or timezone.now()
    person.refresh_from_db()
    changed = [f for f in CORRECTED_FIELDS if (before.get(f) or "") != (getattr(person, f) or "")]
    if not changed:
        return 0
    by_client, counts = _per_client([person.pk])
    client_notices_add(kind=NoticeKind.PERSONS_CORRECTED, counts=counts, now=now)
    with translation.override(settings.LANGUAGE_CODE):
        labels = {
            "first_name": _("first name"),
            "last_name": _("last name"),
            "job_title": _("job title"),
            "email": _("direct email"),
            "phone": _("direct phone"),
        }
        values = "; ".join(f"{labels[f]}: {getattr(person, f) or '—'}" for f in changed)
        messages = _client_emails(
            by_client,
            _("Contact person corrected at their request"),
            _("The following contact person from your assignments had their data corrected at their own request:"),
            _("Corrected: %(values)s. Please correct your own copies too.") % {"values": values},
        )
    _send_on_commit(messages)
    return len(messages)
