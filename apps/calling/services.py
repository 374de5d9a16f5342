"""Writes of the call-agent's workspace: recording a call (R-NOTE-1…3) and the changes an
agent makes during a call (R-CALL-2). Corrections go through the shared record services
of apps.prospects, so they verify (R-RET-3) and delete (R-DEL-1) the one way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.appointments.services import (
    AppointmentDetails,
    InformationDetails,
    appointment_create,
    information_request_create,
)
from apps.assignments.models import Asks, CallResult, Outcome
from apps.callnotes.models import CallNote
from apps.core.errors import ServiceError
from apps.privacy.hashing import IdentifierHashes
from apps.privacy.selectors import is_suppressed
from apps.prospects import normalise
from apps.prospects.models import Lease, Person, Prospect, ProspectPerson, ProspectStatus, full_name
from apps.prospects.services import (
    DeletionReason,
    PersonIdentity,
    person_delete,
    person_left_company_signal,
    person_update,
)

NOTE_MAX_LENGTH = 10_000
# The longest handle time stored; a lease lasts LEADHUNTER_LEASE_MINUTES, so this is a guard.
MAX_HANDLE_SECONDS = 24 * 60 * 60


@transaction.atomic
def call_note_create(
    *,
    prospect: Prospect,
    actor: Any,
    result: CallResult,
    text: str = "",
    callback_at: dt.datetime | None = None,
    appointment: AppointmentDetails | None = None,
    information: InformationDetails | None = None,
    now: dt.datetime | None = None,
) -> CallNote:
    """Record a call by the agent holding the lease: the note (immutable from here on,
    R-NOTE-3) with its handle time (R-DIAL-1), the appointment when the result asks for one
    (R-APPT-1), the prospect's status, last result and callback by the result's outcome,
    and the lease released so the queue moves on."""
    now = now or timezone.now()
    lease = (
        Lease.objects.select_for_update()
        .filter(prospect=prospect, agent=actor, expires_at__gt=now, assignment__is_active=True)
        .first()
    )
    if lease is None:
        raise ServiceError(_("You no longer hold this prospect: your time ran out or the assignment was stopped."))
    if result.assignment_id != prospect.assignment_id:
        raise ServiceError({"result": _("Choose one of this assignment's results.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ServiceError({"text": _("The note is too long.")})
    if result.outcome == Outcome.CALLBACK:
        if callback_at is None:
            raise ServiceError({"callback_at": _("This result needs a date and time to call back.")})
        if callback_at <= now:
            raise ServiceError({"callback_at": _("The callback time must lie in the future.")})
    elif callback_at is not None:
        raise ServiceError({"callback_at": _("A callback time goes only with a callback result.")})
    if result.asks == Asks.APPOINTMENT and appointment is None:
        raise ServiceError({"appointment_at": _("Give the date and time of the appointment.")})
    if result.asks != Asks.APPOINTMENT and appointment is not None:
        raise ServiceError({"appointment_at": _('An appointment goes only with the result "appointment made".')})
    if result.asks == Asks.EMAIL and information is None:
        raise ServiceError({"information_email": _("Give the email address to send the information to.")})
    if result.asks != Asks.EMAIL and information is not None:
        raise ServiceError({"information_email": _("An email address goes only with a result that asks for one.")})
    # The handle time runs from the moment the prospect was handed out (its lease) to now.
    handle_seconds: int | None = int((now - lease.leased_at).total_seconds())
    if not 0 <= handle_seconds <= MAX_HANDLE_SECONDS:
        handle_seconds = None

    note = CallNote.objects.create(
        assignment_id=prospect.assignment_id,
        prospect=prospect,
        company_id=prospect.company_id,
        agent=actor,
        result=result,
        text=text.strip(),
        created_at=now,
        handle_seconds=handle_seconds,
    )
    if appointment is not None:
        appointment_create(note=note, prospect=prospect, actor=actor, details=appointment, now=now)
    if information is not None:
        information_request_create(note=note, prospect=prospect, actor=actor, details=information, now=now)
    prospect.last_result = result
    prospect.last_called_at = now
    if result.outcome == Outcome.CALLBACK:
        prospect.status, prospect.callback_at, prospect.callback_agent = ProspectStatus.CALLBACK, callback_at, actor
    else:
        prospect.status = ProspectStatus.DONE if result.outcome == Outcome.DONE else ProspectStatus.IN_PROGRESS
        prospect.callback_at, prospect.callback_agent = None, None
    prospect.save(update_fields=["last_result", "last_called_at", "status", "callback_at", "callback_agent"])
    lease.delete()
    return note


@transaction.atomic
def person_add_to_prospect(
    *,
    prospect: Prospect,
    actor: Any,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    email: str = "",
    phone: str = "",
    tussenvoegsel: str = "",
    now: dt.datetime | None = None,
) -> Person:
    """A contact person gathered during the call (R-CALL-2): linked to this prospect, hence
    disclosed in this assignment only; merged with the assignment's client's own record
    when its email (or the full name at this company) matches — another client's records
    are never looked at (R-IMP-4); refused when the person is on the suppression list."""
    now = now or timezone.now()
    first_name, last_name, job_title = first_name.strip(), last_name.strip(), job_title.strip()
    tussenvoegsel = " ".join(tussenvoegsel.split())
    surname = full_name("", tussenvoegsel, last_name)
    try:
        email = normalise.email(email) if email.strip() else ""
    except ValueError as exc:
        raise ServiceError({"email": str(exc)}) from exc
    try:
        phone = normalise.phone(phone) if phone.strip() else ""
    except ValueError as exc:
        raise ServiceError({"phone": str(exc)}) from exc
    if not last_name and not email:
        raise ServiceError(_("A contact person needs at least a last name or an email address."))
    hashes = IdentifierHashes.of(
        email=email, phone=phone, first_name=first_name, last_name=surname, company_name=prospect.company.name
    )
    if is_suppressed(hashes):
        raise ServiceError(_("This person asked not to be contacted. They cannot be added."))

    client_id = prospect.assignment.client_id
    if email:
        person = Person.objects.select_for_update().filter(email=email, client_id=client_id)
        person = person.order_by("created_at", "id").first()
    else:  # the full name at this company, the tussenvoegsel with the last name ("van der Berg")
        candidates = Person.objects.select_for_update().filter(
            company=prospect.company, client_id=client_id, first_name__iexact=first_name
        )
        person = next(
            (p for p in candidates.order_by("created_at", "id") if p.surname.lower() == surname.lower()), None
        )
    given = {
        "first_name": first_name,
        "tussenvoegsel": tussenvoegsel,
        "last_name": last_name,
        "job_title": job_title,
        "email": email,
        "phone": phone,
    }
    if person is None:
        person = Person.objects.create(
            client_id=client_id, company=prospect.company, source="call", verified_at=now, **given
        )
    else:
        # The client's own record, corrected with what the agent heard (which verifies it, R-RET-3).
        person = person_update(person=person, actor=actor, now=now, **{k: v for k, v in given.items() if v})
    ProspectPerson.objects.get_or_create(prospect=prospect, person=person)
    return person


@transaction.atomic
def person_left_company(*, person: Person, actor: Any, now: dt.datetime | None = None) -> None:
    """ "Left the company" (R-CALL-2): this client's record is deleted at once, from all of
    this client's assignments; earlier notes stay as written. Other clients' records of the
    same full name at the same company are not touched but flagged for their agents to
    verify (R-IMP-4: a client's left-company acts on its own link only)."""
    now = now or timezone.now()
    identity = PersonIdentity.of(person)
    person_delete(person=person, reason=DeletionReason.LEFT_COMPANY, actor=actor, now=now)
    person_left_company_signal(identity=identity, now=now)


@transaction.atomic
def prospect_skip(*, prospect: Prospect, actor: Any, reason: str, now: dt.datetime | None = None) -> None:
    """The agent puts the prospect back without a call (R-NTK-2), with a reason: it goes to the
    back of the retries (touched now, so the queue hands out everything else first; a
    callback of theirs becomes a retry) and the lease is released. No note: nothing was said."""
    from apps.calling.models import Skip, SkipReason

    now = now or timezone.now()
    if reason not in SkipReason.values:
        raise ServiceError({"reason": _("Choose why you skip this prospect.")})
    lease = Lease.objects.select_for_update().filter(prospect=prospect, agent=actor, expires_at__gt=now).first()
    if lease is None:
        raise ServiceError(_("You no longer hold this prospect: your time ran out or the assignment was stopped."))
    Skip.objects.create(
        assignment_id=prospect.assignment_id, prospect=prospect, agent=actor, reason=reason, created_at=now
    )
    prospect.status, prospect.callback_at, prospect.callback_agent = ProspectStatus.IN_PROGRESS, None, None
    prospect.last_called_at = now
    prospect.save(update_fields=["status", "callback_at", "callback_agent", "last_called_at"])
    lease.delete()


def prospect_pause(*, prospect: Prospect, actor: Any) -> None:
    """The agent takes a break: the lease is released and the prospect goes back unchanged,
    first in line for whoever asks next."""
    Lease.objects.filter(prospect=prospect, agent=actor).delete()


def callback_presets(now: dt.datetime) -> list[tuple[str, str, str]]:
    """The callback times an agent picks by key (R-CALL-2): (key, label, value for the
    date field, typed the Dutch way "30-11-2026 10:00"), in local time. Working hours: a time that falls in the weekend
    moves to Monday."""

    def weekday(day: dt.datetime) -> dt.datetime:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    today = now.replace(second=0, microsecond=0)
    tomorrow = weekday(today + dt.timedelta(days=1))
    presets = [
        ("u", _("In one hour"), today + dt.timedelta(hours=1)),
        ("m", _("Tomorrow 10:00"), tomorrow.replace(hour=10, minute=0)),
        ("a", _("Tomorrow 14:00"), tomorrow.replace(hour=14, minute=0)),
        ("w", _("In a week, 10:00"), weekday(today + dt.timedelta(days=7)).replace(hour=10, minute=0)),
    ]
    return [(key, str(label), at.strftime("%d-%m-%Y %H:%M")) for key, label, at in presets]
