"""Data-subject requests: filing, confirming, handling (SPEC R-DSR-1, R-DSR-2; policy §7).

The public side never looks anybody up: whoever files a request gets the same answer, on
screen and by email, whether Leadhunter holds data of that address or not (no
enumeration). Only after the requester confirmed by the emailed link does the request
reach the privacy officers, and only then does the 14-day clock run.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core import ratelimit
from apps.core.errors import ServiceError
from apps.core.net import ip_bucket, site_url
from apps.privacy import lookup_terms
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestStatus
from apps.prospects import normalise
from apps.retention import clock

logger = logging.getLogger(__name__)

CONFIRM_SALT = "apps.privacy.request-confirm"
HOUR = 3600


def received_text() -> str:
    """What the API answers every requester (the form shows the same on its page)."""
    return _(
        "Thank you. We have sent an email to the address you gave, with a link to confirm your request. "
        "After your confirmation we answer within %(days)d days."
    ) % {"days": settings.LEADHUNTER_PERIODS["REQUEST_ANSWER_DAYS"]}


class TooManyRequests(Exception):
    """Over a rate limit of the public form or API: answered with 429 (R-DSR-1)."""


# --- Rate limits (Redis, or the database while Redis is away: apps.core.ratelimit) ------
def _hit(key: str, limit: int, window: int = HOUR) -> bool:
    """Count one hit in a fixed window; False when the limit was already reached."""
    return ratelimit.hit(key, window=window) <= limit


def _throttle_ip(ip: str | None) -> None:
    if not _hit(f"privacy-request:ip:{ip_bucket(ip)}", settings.PRIVACY_REQUESTS_PER_IP_PER_HOUR):
        raise TooManyRequests


# Providers whose addresses ignore dots in the local part; googlemail.com is gmail.com.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to, so that one person cannot pass a per-address cap
    by respelling it: lower case, the `+tag` dropped (sub-addressing, which every large
    provider honours), and for Gmail the dots dropped and googlemail.com read as gmail.com.
    Only for counting: the address itself is stored and written to as given."""
    local, _at, domain = email.strip().lower().rpartition("@")
    if not local:
        return email.strip().lower()
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def mailbox_hash(email: str) -> str:
    """Keyed hash of `mailbox_of(email)`: the cache key and the table count use it, never
    the address (R-DEL-1: no copy in caches)."""
    from apps.privacy.hashing import IdentifierHashes

    return IdentifierHashes.of(email=mailbox_of(email)).email


def _throttle_email(email: str) -> None:
    if not _hit(f"privacy-request:mailbox:{mailbox_hash(email)}", settings.PRIVACY_REQUESTS_PER_EMAIL_PER_HOUR):
        raise TooManyRequests


# --- Filing (R-DSR-1) ---------------------------------------------------------------
@dataclass(frozen=True)
class RequestInput:
    name: str
    email: str
    kind: str
    phone: str = ""
    company: str = ""
    message: str = ""


def request_clean(
    *, name: str, email: str, kind: str, phone: str = "", company: str = "", message: str = ""
) -> RequestInput:
    """Normalise and check what the form or the API received; ServiceError (by field) when wrong."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Please fill in your name.")]
    try:
        email = normalise.email(email)
        if not email:
            errors["email"] = [_("Please fill in your email address.")]
    except ValueError as exc:
        errors["email"] = [str(exc)]
    try:
        phone = normalise.phone(phone)
    except ValueError as exc:
        errors["phone"] = [str(exc)]
    if kind not in RequestKind.values:
        errors["kind"] = [_("Please choose what you ask for.")]
    if errors:
        raise ServiceError(errors)
    return RequestInput(
        name=name[:200],
        email=email,
        kind=kind,
        phone=phone,
        company=(company or "").strip()[:200],
        message=message or "",
    )


def request_submit(
    *,
    data: RequestInput,
    ip: str | None,
    honeypot: str = "",
    language: str = "nl",
    now: dt.datetime | None = None,
    site: str | None = None,
) -> DataSubjectRequest | None:
    """File a request and email its confirmation link (R-DSR-1, R-DSR-2).

    Returns the request, or None when nothing was stored: the honeypot was filled (a bot),
    or the address already received PRIVACY_CONFIRM_EMAILS_PER_DAY confirmation emails in
    24 hours (counted per mailbox: `mailbox_of`). Callers answer the same in every case;
    only the rate limits answer differently (TooManyRequests → 429), and those do not
    depend on who the person is. `site` is the address the requester opened
    (`apps.core.net.site_url(request)`): the confirmation link points there.
    """
    now = now or timezone.now()
    _throttle_ip(ip)
    if honeypot.strip():
        return None
    _throttle_email(data.email)
    # Counted from the table (index dsr_mailbox_idx), so the cap holds across cache restarts.
    mailbox = mailbox_hash(data.email)
    recent = DataSubjectRequest.objects.filter(mailbox_hash=mailbox, submitted_at__gt=now - dt.timedelta(hours=24))
    if recent.count() >= settings.PRIVACY_CONFIRM_EMAILS_PER_DAY:
        return None
    with transaction.atomic():
        dsr = DataSubjectRequest.objects.create(
            kind=data.kind,
            name=data.name,
            email=data.email,
            mailbox_hash=mailbox,
            phone=data.phone,
            company=data.company,
            message=data.message,
            language=language if language in ("nl", "en") else "nl",
            submitted_at=now,
            submitted_ip=ip,
            confirm_nonce=secrets.token_urlsafe(24),
            confirm_before=now + dt.timedelta(hours=settings.LEADHUNTER_PERIODS["REQUEST_CONFIRM_HOURS"]),
        )
    _send_confirmation_email(dsr, site=site)
    return dsr


def confirm_token(dsr: DataSubjectRequest) -> str:
    return signing.dumps({"r": str(dsr.pk), "n": dsr.confirm_nonce}, salt=CONFIRM_SALT, compress=True)


def confirm_path(dsr: DataSubjectRequest) -> str:
    return reverse("privacy:confirm", args=[dsr.pk, confirm_token(dsr)])


def _send_confirmation_email(dsr: DataSubjectRequest, *, site: str | None = None) -> None:
    """Sent in the request, the same way for everyone. A mail server that is down must not
    turn into a 500 or a different answer: the failure is logged (the request id only) and
    the unconfirmed request lapses like any other."""
    try:
        _send_confirmation_email_now(dsr, site=site)
    except OSError:  # smtplib.SMTPException and connection errors
        logger.exception("confirmation email for data-subject request %s could not be sent", dsr.pk)


def _send_confirmation_email_now(dsr: DataSubjectRequest, *, site: str | None = None) -> None:
    with translation.override(dsr.language):
        context = {
            "dsr": dsr,
            "link": (site or site_url()) + confirm_path(dsr),
            "hours": settings.LEADHUNTER_PERIODS["REQUEST_CONFIRM_HOURS"],
            "answer_days": settings.LEADHUNTER_PERIODS["REQUEST_ANSWER_DAYS"],
            "legal_months": settings.REQUEST_LEGAL_MAX_MONTHS,
        }
        send_mail(
            _("Please confirm your privacy request"),
            render_to_string("privacy/email/confirm.txt", context),
            None,
            [dsr.email],
        )


# --- Confirming (R-DSR-2) -------------------------------------------------------------
class LinkRefused(Exception):
    """The confirmation link is not (or no longer) valid; `reason` is shown to the requester."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


def _invalid() -> str:
    return _("This link is not valid. Please use the link from the email exactly as it is.")


def request_for_token(*, request_id: UUID, token: str, now: dt.datetime | None = None) -> DataSubjectRequest:
    """The unconfirmed request a link belongs to, or LinkRefused. Reads only: a GET of the
    link (mail scanners prefetch links) changes nothing."""
    now = now or timezone.now()
    max_age = settings.LEADHUNTER_PERIODS["REQUEST_CONFIRM_HOURS"] * HOUR
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkRefused(_("This link has expired. Please file your request again."), 410) from exc
    except signing.BadSignature as exc:
        raise LinkRefused(
            _("This link is not valid. Please use the link from the email exactly as it is."), 400
        ) from exc
    if not isinstance(payload, dict) or payload.get("r") != str(request_id) or not payload.get("n"):
        raise LinkRefused(_("This link is not valid. Please use the link from the email exactly as it is."), 400)
    dsr = DataSubjectRequest.objects.filter(pk=request_id).first()
    if dsr is None:
        # Removed after expiry, or never existed.
        raise LinkRefused(_("This link has expired. Please file your request again."), 410)
    if dsr.status != RequestStatus.UNCONFIRMED or not dsr.confirm_nonce:
        raise LinkRefused(_("This link has already been used: your request was confirmed."), 410)
    if not secrets.compare_digest(dsr.confirm_nonce, str(payload["n"])):
        raise LinkRefused(_invalid(), 400)
    if dsr.confirm_before <= now:
        raise LinkRefused(_("This link has expired. Please file your request again."), 410)
    return dsr


def request_deadlines(confirmed_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Our own deadline (REQUEST_ANSWER_DAYS days) and the legal one (GDPR Art. 12(3),
    REQUEST_LEGAL_MAX_MONTHS calendar months, Amsterdam wall clock)."""
    due = confirmed_at + dt.timedelta(days=settings.LEADHUNTER_PERIODS["REQUEST_ANSWER_DAYS"])
    return due, clock.months_after(confirmed_at, settings.REQUEST_LEGAL_MAX_MONTHS)


def request_confirm(*, request_id: UUID, token: str, now: dt.datetime | None = None) -> DataSubjectRequest:
    """Confirm by the link's POST: the clock starts; the nonce is cleared (single use)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the row: two POSTs of one link confirm once.
        locked = list(DataSubjectRequest.objects.select_for_update().filter(pk=request_id).values_list("pk", flat=True))
        if not locked:
            raise LinkRefused(_("This link has expired. Please file your request again."), 410)
        dsr = request_for_token(request_id=request_id, token=token, now=now)
        dsr.confirmed_at = now
        dsr.status = RequestStatus.OPEN
        dsr.due_at, dsr.legal_due_at = request_deadlines(now)
        dsr.confirm_nonce = ""
        dsr.save(update_fields=["confirmed_at", "status", "due_at", "legal_due_at", "confirm_nonce"])
    # Both deadlines in writing too; the same email for everyone (no lookup has happened).
    # The page shows them as well, so a mail server that is down costs nothing but a log line.
    try:
        with translation.override(dsr.language):
            send_mail(
                _("Your privacy request is confirmed"),
                render_to_string("privacy/email/confirmed.txt", {"dsr": dsr}),
                None,
                [dsr.email],
            )
    except OSError:
        logger.exception("confirmation receipt for data-subject request %s could not be sent", dsr.pk)
    return dsr


# --- The privacy officer's actions ---------------------------------------------------
# Each action locks the request row and reads its status again under the lock: two officers
# (or an officer and an erasure) acting at once never both close it, and a stale page never
# refuses a request answered or erased meanwhile (R-DSR-2).
def _lock_open(dsr: DataSubjectRequest) -> DataSubjectRequest:
    """The request row as it is now, locked until the end of the transaction; ServiceError
    when it is no longer open. The caller's object is refreshed to the locked state."""
    locked = DataSubjectRequest.objects.select_for_update().filter(pk=dsr.pk).first()
    if locked is None or locked.status != RequestStatus.OPEN:
        raise ServiceError(_("This request is closed already."))
    return locked


def request_take(*, dsr: DataSubjectRequest, actor: Any) -> DataSubjectRequest:
    """The officer takes the request: "handled by" them."""
    with transaction.atomic():
        locked = _lock_open(dsr)
        locked.handled_by = actor
        locked.save(update_fields=["handled_by"])
    return locked


def request_answer(
    *, dsr: DataSubjectRequest, actor: Any, outcome: str, now: dt.datetime | None = None
) -> DataSubjectRequest:
    """Close as answered, with what was done."""
    outcome = (outcome or "").strip()
    with transaction.atomic():
        locked = _lock_open(dsr)
        if not outcome:
            raise ServiceError({"outcome": [_("Please describe what was done.")]})
        locked.status, locked.outcome, locked.closed_at = RequestStatus.ANSWERED, outcome, now or timezone.now()
        locked.handled_by = locked.handled_by or actor
        locked.save(update_fields=["status", "outcome", "closed_at", "handled_by"])
        lookup_terms.terms_forget(request_ids=[locked.pk])
    return locked


def request_refuse(
    *, dsr: DataSubjectRequest, actor: Any, reason: str, now: dt.datetime | None = None
) -> DataSubjectRequest:
    """Refuse, with a mandatory reason, which the requester receives by email (at the
    address as it is under the lock: never one blanked by an erasure meanwhile)."""
    reason = (reason or "").strip()
    try:
        # The refusal stands only once the requester has been told: a failed email rolls it back.
        with transaction.atomic():
            locked = _lock_open(dsr)
            if not reason:
                raise ServiceError({"reason": [_("A refusal needs a reason: the requester receives it.")]})
            locked.status, locked.outcome, locked.closed_at = RequestStatus.REFUSED, reason, now or timezone.now()
            locked.handled_by = locked.handled_by or actor
            locked.save(update_fields=["status", "outcome", "closed_at", "handled_by"])
            lookup_terms.terms_forget(request_ids=[locked.pk])
            with translation.override(locked.language):
                send_mail(
                    _("Your privacy request"),
                    render_to_string("privacy/email/refused.txt", {"dsr": locked, "contact": contact()}),
                    None,
                    [locked.email],
                )
    except OSError as exc:
        logger.exception("refusal email for data-subject request %s could not be sent", dsr.pk)
        message = _("The email to the requester could not be sent, so the request is still open. Try again later.")
        raise ServiceError({"reason": [message]}) from exc
    return locked


def contact() -> dict[str, str]:
    return {
        "name": settings.PRIVACY_CONTACT_NAME,
        "email": settings.PRIVACY_CONTACT_EMAIL,
        "phone": settings.PRIVACY_CONTACT_PHONE,
        "address": settings.PRIVACY_CONTACT_ADDRESS,
    }


# --- Clock rules (apps/privacy/rules.py) -----------------------------------------------
def requests_expire_unconfirmed(*, now: dt.datetime, dry_run: bool, batch_size: int, on_batch: Any = None) -> int:
    """Remove requests whose confirmation link expired unused (R-DSR-2); returns the count."""
    from apps.retention.runner import keyset_batches

    expired = DataSubjectRequest.objects.filter(status=RequestStatus.UNCONFIRMED, confirm_before__lte=now)
    if dry_run:
        return expired.count()
    from apps.retention.ledger import ledger_write
    from apps.retention.models import LedgerAction

    removed = 0
    for ids in keyset_batches(expired, batch_size):
        with transaction.atomic():
            gone = list(expired.filter(pk__in=ids).values_list("pk", flat=True))
            # R-DEL-2: a restore must not bring the expired requests (name, email) back.
            ledger_write(
                model=DataSubjectRequest, object_ids=gone, action=LedgerAction.DELETE, reason="expired", now=now
            )
            removed += DataSubjectRequest.objects.filter(pk__in=gone).delete()[0]
        if on_batch:
            on_batch()
    return removed


def requests_remind(*, now: dt.datetime, dry_run: bool) -> tuple[int, int, int]:
    """Email the privacy officers about open requests due within REQUEST_REMIND_DAYS_BEFORE
    days and overdue ones (R-DSR-2). Once per request and stage: `reminded_at` marks it,
    so a second run the same day sends nothing. Ids and links only, never names.

    Returns (due soon, overdue, emails sent)."""
    from django.db.models import F, Q

    from apps.accounts.models import User
    from apps.core.access import privacy_office_visible_to

    window = now + dt.timedelta(days=settings.LEADHUNTER_PERIODS["REQUEST_REMIND_DAYS_BEFORE"])
    open_ = DataSubjectRequest.objects.filter(status=RequestStatus.OPEN)
    soon_qs = open_.filter(due_at__gt=now, due_at__lte=window, reminded_at__isnull=True)
    # Overdue: not yet reminded since the deadline passed.
    late_qs = open_.filter(due_at__lte=now).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("due_at")))
    soon = list(soon_qs.order_by("due_at").values_list("pk", "due_at"))
    late = list(late_qs.order_by("due_at").values_list("pk", "due_at"))
    if dry_run or not (soon or late):
        return len(soon), len(late), 0
    officers = [u for u in User.objects.filter(is_privacy_officer=True, is_active=True) if privacy_office_visible_to(u)]
    base = settings.SITE_URL.rstrip("/")
    sent = 0
    context = {
        "soon": [(pk, due, base + reverse("privacy:request-detail", args=[pk])) for pk, due in soon],
        "late": [(pk, due, base + reverse("privacy:request-detail", args=[pk])) for pk, due in late],
        "dashboard": base + reverse("privacy:requests"),
    }
    for officer in officers:
        if not officer.email:
            continue
        with translation.override(getattr(officer, "language", None) or settings.LANGUAGE_CODE):
            send_mail(
                _("Privacy requests: %(soon)d due soon, %(late)d overdue") % {"soon": len(soon), "late": len(late)},
                render_to_string("privacy/email/reminder.txt", context),
                None,
                [officer.email],
            )
        sent += 1
    DataSubjectRequest.objects.filter(pk__in=[pk for pk, _due in soon + late]).update(reminded_at=now)
    return len(soon), len(late), sent


def requests_blank_again(*, deleted_ids: Sequence[Any], blanked: dict[Any, dt.datetime]) -> int:
    """The ledger's replay after a restore (R-DEL-2): delete again the requests deleted
    after the backup, blank again those blanked (closing open ones), each with the date it
    was first done. Idempotent; returns how many rows were touched."""
    from apps.privacy.erasure import requests_blank

    touched = DataSubjectRequest.objects.filter(pk__in=list(deleted_ids)).delete()[0]
    for request_id, at in blanked.items():
        touched += requests_blank(request_ids=[request_id], now=at)
    return touched
