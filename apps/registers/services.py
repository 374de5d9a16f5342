"""Writes of the registers (R-REG-1, R-REG-2). Keyword-only, atomic, with `actor=`;
every rule of the registers is checked here, so forms, admin and tests share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import IO, Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AccessAction
from apps.audit.services import access_log_search
from apps.core.errors import ServiceError
from apps.core.private_files import private_delete, private_delete_on_commit, private_store
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.models import SuppressionEntry
from apps.privacy.selectors import is_suppressed
from apps.registers.models import (
    AgreementTerm,
    Breach,
    BreachClientNotice,
    BreachSource,
    ReportDecision,
    Subprocessor,
    SubprocessorAgreement,
)
from apps.registers.terms import DataCategory, Term, TermUnit, exceeds, our_limit

SUBPROCESSOR_FIELDS = ("name", "service", "country", "location", "contact", "categories")
REGISTERS_DIR = "registers"


AGREEMENT_FIELDS = ("signed_on", "reference", "document_location", "valid_until", "ended_on")
BREACH_FIELDS = (
    "summary",
    "description",
    "occurred_at",
    "discovered_at",
    "categories",
    "source",
    "subprocessor",
    "subprocessor_reported_at",
    "persons_affected",
    "consequences",
    "measures",
    "decision",
    "reported_at",
    "ap_reference",
    "not_reported_reason",
    "subjects_informed_at",
    "closed_at",
)


def category_label(category: str) -> str:
    return str(dict(DataCategory.choices).get(category, category))


# --- Subprocessors and their agreements (R-REG-1) ------------------------------------
def _check_subprocessor(subprocessor: Subprocessor) -> None:
    subprocessor.country = (subprocessor.country or "").strip().upper()
    unknown = set(subprocessor.categories) - set(DataCategory.values)
    if unknown:
        raise ServiceError(_("Unknown data category."))
    if Subprocessor.objects.filter(name__iexact=subprocessor.name).exclude(pk=subprocessor.pk).exists():
        raise ServiceError(_("A subprocessor with this name is already in the register."))


@transaction.atomic
def subprocessor_create(*, actor: Any, **data: Any) -> Subprocessor:
    subprocessor = Subprocessor(**{k: v for k, v in data.items() if k in SUBPROCESSOR_FIELDS})
    _check_subprocessor(subprocessor)
    subprocessor.save()
    return subprocessor


@transaction.atomic
def subprocessor_update(*, subprocessor: Subprocessor, actor: Any, **data: Any) -> Subprocessor:
    for field in SUBPROCESSOR_FIELDS:
        if field in data:
            setattr(subprocessor, field, data[field])
    _check_subprocessor(subprocessor)
    subprocessor.save()
    return subprocessor


def term_errors(categories: list[str], terms: Mapping[str, Term | None]) -> list[str]:
    """What is wrong with the terms of an agreement covering `categories`: a term is
    required where we keep a limit, and never longer than it (R-REG-1)."""
    errors = []
    for category in categories:
        term, limit = terms.get(category), our_limit(category)
        if term is not None and (term.number < 1 or term.unit not in TermUnit.values):
            errors.append(_("%(category)s: enter a term of at least 1.") % {"category": category_label(category)})
        elif limit is not None and term is None:
            errors.append(
                _("%(category)s: enter the retention term of the agreement (ours is %(limit)s).")
                % {"category": category_label(category), "limit": limit}
            )
        elif limit is not None and term is not None and exceeds(term, limit):
            errors.append(
                _(
                    "%(category)s: a term of %(term)s is longer than Leadhunter's own limit of %(limit)s; "
                    "a subprocessor may never keep data longer than we do."
                )
                % {"category": category_label(category), "term": term, "limit": limit}
            )
    return errors


def _check_agreement(agreement: SubprocessorAgreement, terms: Mapping[str, Term | None]) -> list[str]:
    errors = []
    if agreement.valid_until and agreement.valid_until < agreement.signed_on:
        errors.append(_("An agreement cannot be valid until a date before it was signed."))
    if agreement.ended_on and agreement.ended_on < agreement.signed_on:
        errors.append(_("An agreement cannot end before it was signed."))
    categories = list(agreement.subprocessor.categories)
    if set(terms) - set(categories) - {c for c, t in terms.items() if t is None}:
        errors.append(_("A term was given for a data category this subprocessor does not receive."))
    errors += term_errors(categories, terms)
    return errors


def _save_terms(agreement: SubprocessorAgreement, terms: Mapping[str, Term | None]) -> None:
    agreement.terms.all().delete()
    AgreementTerm.objects.bulk_create(
        [
            AgreementTerm(agreement=agreement, category=category, number=term.number, unit=term.unit)
            for category, term in sorted(terms.items())
            if term is not None
        ]
    )


def _save_agreement(
    agreement: SubprocessorAgreement, terms: Mapping[str, Term | None], document: IO[bytes] | None
) -> SubprocessorAgreement:
    """Check, then store the document (if any) and the rows in one transaction; a failed
    transaction removes the new file, a committed one the file it replaced."""
    errors = _check_agreement(agreement, terms)
    if errors:
        raise ServiceError(errors)
    old_path, new_path = agreement.document_path, ""
    if document is not None:
        new_path, _size = private_store(document, REGISTERS_DIR)
        agreement.document_path = new_path
        agreement.document_name = (getattr(document, "name", "") or "document")[-255:]
    try:
        with transaction.atomic():
            agreement.save()
            _save_terms(agreement, terms)
    except BaseException:
        if new_path:
            private_delete(new_path)
        raise
    if new_path and old_path:
        private_delete_on_commit([old_path])
    return agreement


def agreement_create(
    *,
    subprocessor: Subprocessor,
    actor: Any,
    terms: Mapping[str, Term | None],
    document: IO[bytes] | None = None,
    **data: Any,
) -> SubprocessorAgreement:
    agreement = SubprocessorAgreement(
        subprocessor=subprocessor, **{k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    )
    return _save_agreement(agreement, terms, document)


def agreement_update(
    *,
    agreement: SubprocessorAgreement,
    actor: Any,
    terms: Mapping[str, Term | None],
    document: IO[bytes] | None = None,
    **data: Any,
) -> SubprocessorAgreement:
    for field in AGREEMENT_FIELDS:
        if field in data:
            setattr(agreement, field, data[field])
    return _save_agreement(agreement, terms, document)


# --- Breaches (R-REG-2) -------------------------------------------------------------
def _check_breach(breach: Breach, now: dt.datetime) -> list[str]:
    errors = []
    if breach.discovered_at and breach.discovered_at > now:
        errors.append(_("The discovery cannot lie in the future."))
    if breach.occurred_at and breach.discovered_at and breach.occurred_at > breach.discovered_at:
        errors.append(_("A breach cannot have happened after it was discovered."))
    if breach.decision == ReportDecision.REPORTED:
        if breach.reported_at is None:
            errors.append(_("Enter when the breach was reported to the Autoriteit Persoonsgegevens."))
        elif breach.reported_at < breach.discovered_at:
            errors.append(_("A breach cannot have been reported before it was discovered."))
        elif breach.reported_at > now:
            errors.append(_("The report cannot lie in the future."))
    elif breach.reported_at is not None:
        errors.append(_("A report date belongs with the decision to report, and only there."))
    if breach.decision == ReportDecision.NOT_REPORTED and not breach.not_reported_reason.strip():
        errors.append(_("Give the reason why the breach is not reported to the Autoriteit Persoonsgegevens."))
    if breach.subjects_informed_at is not None:
        if breach.subjects_informed_at < breach.discovered_at:
            errors.append(_("Data subjects cannot have been informed before the breach was discovered."))
        elif breach.subjects_informed_at > now:
            errors.append(_("The date the data subjects were informed cannot lie in the future."))
    if breach.closed_at is not None:
        if breach.decision == ReportDecision.PENDING:
            errors.append(_("Decide whether to report the breach before closing it."))
        elif breach.closed_at < breach.discovered_at:
            errors.append(_("A breach cannot be closed before it was discovered."))
    if set(breach.categories) - set(DataCategory.values):
        errors.append(_("Unknown data category."))
    if breach.source == BreachSource.SUBPROCESSOR:
        if breach.subprocessor_id is None:
            errors.append(_("Choose the subprocessor that reported the breach to us."))
        if breach.subprocessor_reported_at is None:
            errors.append(_("Enter when the subprocessor reported the breach to us."))
        elif breach.subprocessor_reported_at > now:
            errors.append(_("The subprocessor's report cannot lie in the future."))
        elif breach.discovered_at and breach.subprocessor_reported_at > breach.discovered_at:
            errors.append(_("We discovered the breach when the subprocessor reported it, not before."))
    else:
        breach.subprocessor = None
        breach.subprocessor_reported_at = None
    return errors


def _apply_breach(breach: Breach, data: Mapping[str, Any], *, now: dt.datetime) -> None:
    for field in BREACH_FIELDS:
        if field in data:
            setattr(breach, field, data[field])
    errors = _check_breach(breach, now)
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def breach_create(*, actor: Any, now: dt.datetime | None = None, **data: Any) -> Breach:
    breach = Breach(created_by=actor if getattr(actor, "pk", None) else None)
    _apply_breach(breach, data, now=now or timezone.now())
    breach.save()
    if "clients" in data:
        _set_clients(breach, data["clients"])
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, actor: Any, now: dt.datetime | None = None, **data: Any) -> Breach:
    _apply_breach(breach, data, now=now or timezone.now())
    breach.save()
    if "clients" in data:
        _set_clients(breach, data["clients"])
    return breach


def _set_clients(breach: Breach, clients: Any) -> None:
    """The clients affected, and a notice row for each to record when they were told
    (issue 14 #6). A client taken off the list loses its row unless it was told already:
    that it was informed stays on record."""
    breach.clients.set(clients)
    client_ids = {c.pk for c in breach.clients.all()}
    breach.client_notices.exclude(client_id__in=client_ids).filter(informed_at__isnull=True).delete()
    have = set(breach.client_notices.values_list("client_id", flat=True))
    BreachClientNotice.objects.bulk_create(
        [BreachClientNotice(breach=breach, client_id=client_id) for client_id in client_ids - have]
    )


NOTICE_FIELDS = ("informed_at", "channel", "informed_whom", "note")


@transaction.atomic
def breach_client_informed(
    *, notice: BreachClientNotice, actor: Any, now: dt.datetime | None = None, **data: Any
) -> BreachClientNotice:
    """Record that, when and how a client was told of a breach (issue 14 #6)."""
    now = now or timezone.now()
    notice = BreachClientNotice.objects.select_for_update().select_related("breach").get(pk=notice.pk)
    for field in NOTICE_FIELDS:
        if field in data:
            setattr(notice, field, data[field] if data[field] is not None else ("" if field != "informed_at" else None))
    errors = []
    if notice.informed_at is None:
        errors.append(_("Enter when the client was informed."))
    elif notice.informed_at > now:
        errors.append(_("The moment the client was informed cannot lie in the future."))
    elif notice.informed_at < notice.breach.discovered_at:
        errors.append(_("A client cannot have been informed before the breach was discovered."))
    if not notice.channel:
        errors.append(_("Choose how the client was informed."))
    if errors:
        raise ServiceError(errors)
    notice.recorded_by = actor if getattr(actor, "pk", None) else None
    notice.save()
    return notice


# --- Mail to the privacy officers ---------------------------------------------------
def privacy_officer_emails() -> list[str]:
    """Active privacy officers with a confidentiality agreement and an email address."""
    return list(
        User.objects.filter(is_privacy_officer=True, is_active=True, confidentiality_signed_on__isnull=False)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def mail_privacy_officers(subject: str, body: str) -> int:
    recipients = privacy_officer_emails()
    if not recipients:
        return 0
    send_mail(subject, body, None, recipients)
    return len(recipients)


# --- The suppression-list check (R-DSR-4) ---------------------------------------------
def suppression_check(
    *,
    actor: Any,
    request: HttpRequest | None = None,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    company_name: str = "",
) -> bool:
    """Is a person with these identifiers on the suppression list? The values are hashed
    and forgotten; the access log records that the officer looked, and which entries
    matched (ids), never what was typed."""
    hashes = IdentifierHashes.of(
        email=email, phone=phone, first_name=first_name, last_name=last_name, company_name=company_name
    )
    if not (hashes.email or hashes.phone or hashes.name_company):
        raise ServiceError(_("Enter an email address, a phone number, or a name with the company name."))
    found = is_suppressed(hashes)
    matched: list[Any] = []
    if found:
        condition = Q()
        for field, value in (
            ("email_hash", hashes.email),
            ("phone_hash", hashes.phone),
            ("name_company_hash", hashes.name_company),
        ):
            if value:
                condition |= Q(**{field: value})
        matched = list(SuppressionEntry.objects.filter(condition).order_by("pk").values_list("pk", flat=True)[:50])
    access_log_search(
        actor=actor, action=AccessAction.VIEW, model=SuppressionEntry, object_ids=matched, request=request
    )
    return found
