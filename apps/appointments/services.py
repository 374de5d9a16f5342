"""Writes and files of appointments (R-APPT-1): made on a call by the agent holding the lease,
inside `call_note_create`'s transaction; the account manager's invitation (.ics, RFC 5545,
written here: a dozen lines do not need a package) goes by email after the commit."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.appointments.models import Appointment, AppointmentKind, InformationRequest
from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.core.errors import ServiceError
from apps.prospects.models import Person, Prospect

logger = logging.getLogger(__name__)

# How long an invitation blocks the account manager's calendar.
APPOINTMENT_MINUTES = 60


@dataclass(frozen=True)
class AppointmentDetails:
    """What the agent typed for "appointment made"; ids as the form or API gave them."""

    starts_at: dt.datetime | None
    kind: str
    person_id: Any = None
    account_manager_id: Any = None


def _uuid(value: Any) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def appointment_create(
    *, note: CallNote, prospect: Prospect, actor: Any, details: AppointmentDetails, now: dt.datetime
) -> Appointment:
    """The appointment of a call (R-APPT-1). The person must be one of the prospect's
    contact persons, the account manager one of the assignment's client's contacts: an id
    from elsewhere is refused the same as one that does not exist (R-NTK-1). Runs inside the
    caller's transaction; the invitation is sent after the commit."""
    errors: dict[str, str] = {}
    if details.starts_at is None:
        errors["appointment_at"] = _("Give the date and time of the appointment.")
    elif details.starts_at <= now:
        errors["appointment_at"] = _("The appointment must lie in the future.")
    if details.kind not in AppointmentKind.values:
        errors["appointment_kind"] = _("Choose on site, video or phone.")
    person_id = _uuid(details.person_id)
    person = None
    if person_id is None:
        errors["appointment_person"] = _("Choose the contact person the appointment is with.")
    else:
        person = Person.objects.filter(pk=person_id, prospect_links__prospect=prospect).first()
        if person is None:
            errors["appointment_person"] = _("Choose one of this company's contact persons.")
    manager = None
    if details.account_manager_id not in (None, ""):
        manager_id = _uuid(details.account_manager_id)
        manager = (
            ClientContact.objects.filter(pk=manager_id, client_id=prospect.assignment.client_id).first()
            if manager_id
            else None
        )
        if manager is None:
            errors["appointment_manager"] = _("Choose one of the client's contact persons as account manager.")
    if errors:
        raise ServiceError(errors)
    appointment = Appointment.objects.create(
        assignment_id=prospect.assignment_id,
        note=note,
        prospect=prospect,
        company_id=prospect.company_id,
        starts_at=details.starts_at,
        kind=details.kind,
        person=person,
        account_manager=manager,
        agent=actor,
        created_at=now,
    )
    if manager is not None and manager.email:
        from apps.appointments.tasks import appointment_invitation_task
        from apps.core.enqueue import enqueue_on_commit

        enqueue_on_commit(appointment_invitation_task, str(appointment.pk))
    return appointment


@dataclass(frozen=True)
class InformationDetails:
    """What the agent typed for "send information" (issue 13 #1): to whom, which address."""

    person_id: Any
    email: str


def information_request_create(
    *, note: CallNote, prospect: Prospect, actor: Any, details: InformationDetails, now: dt.datetime
) -> InformationRequest:
    """The "send information" request of a call, inside `call_note_create`'s transaction.

    The person must be one of the prospect's contact persons the agent may use (not
    restricted, R-DSR-5); the address is checked and normalised as every email is. An
    address other than the one on record is kept with the request and offered as a
    difference "to verify" (R-IMP-3) instead of silently overwriting the person: an agent
    accepts it on the call screen, which corrects and verifies the person (R-RET-3)."""
    from apps.imports.models import Difference
    from apps.prospects import normalise

    errors: dict[str, str] = {}
    person_id = _uuid(details.person_id)
    person = None
    if person_id is None:
        errors["information_person"] = _("Choose the contact person the information is for.")
    else:
        person = (
            Person.objects.filter(pk=person_id, prospect_links__prospect=prospect, restricted_at__isnull=True)
            .select_for_update(of=("self",))
            .first()
        )
        if person is None:
            errors["information_person"] = _("Choose one of this company's contact persons.")
    email = ""
    if not (details.email or "").strip():
        errors["information_email"] = _("Give the email address to send the information to.")
    else:
        try:
            email = normalise.email(details.email)
        except ValueError as exc:
            errors["information_email"] = str(exc)
    if errors:
        raise ServiceError(errors)
    assert person is not None  # noqa: S101 (checked above)
    request = InformationRequest.objects.create(
        assignment_id=prospect.assignment_id,
        note=note,
        prospect=prospect,
        company_id=prospect.company_id,
        person=person,
        email=email,
        agent=actor,
        created_at=now,
    )
    if email != person.email:
        already = Difference.objects.filter(person=person, field="email", value=email).exists()
        if not already:
            Difference.objects.create(
                assignment_id=prospect.assignment_id, person=person, field="email", value=email, created_at=now
            )
    return request


# --- The invitation (RFC 5545) -----------------------------------------------------


def _ics_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and newline escaped."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are folded (CRLF + space), never inside a
    UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _ics_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def appointment_summary(appointment: Appointment) -> str:
    return _("Appointment with %(company)s (%(kind)s)") % {
        "company": appointment.company.name,
        "kind": appointment.get_kind_display(),
    }


def appointment_ics(appointment: Appointment, *, now: dt.datetime | None = None) -> str:
    """The appointment as an iCalendar invitation: one VEVENT, times in UTC."""
    company = appointment.company
    person = appointment.person
    lines_of_description = [
        _("Contact person: %(name)s") % {"name": f"{person.first_name} {person.last_name}".strip()}
        if person
        else _("Contact person: deleted"),
    ]
    if person and person.job_title:
        lines_of_description.append(person.job_title)
    if person and person.phone:
        lines_of_description.append(_("Phone: %(phone)s") % {"phone": person.phone})
    if person and person.email:
        lines_of_description.append(_("Email: %(email)s") % {"email": person.email})
    if company.phone:
        lines_of_description.append(_("Company phone: %(phone)s") % {"phone": company.phone})
    location = ""
    if appointment.kind == AppointmentKind.ON_SITE:
        location = f"{company.street} {company.house_number}, {company.postcode} {company.city}".strip(" ,")
    organizer = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Leadhunter//Appointments//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{appointment.pk}@leadhunter",
        f"DTSTAMP:{_ics_time(now or timezone.now())}",
        f"DTSTART:{_ics_time(appointment.starts_at)}",
        f"DTEND:{_ics_time(appointment.starts_at + dt.timedelta(minutes=APPOINTMENT_MINUTES))}",
        f"SUMMARY:{_ics_text(appointment_summary(appointment))}",
        f"DESCRIPTION:{_ics_text(chr(10).join(lines_of_description))}",
    ]
    if location:
        lines.append(f"LOCATION:{_ics_text(location)}")
    lines.append(f"ORGANIZER:mailto:{organizer}")
    manager = appointment.account_manager
    if manager and manager.email:
        name = _ics_text(f"{manager.first_name} {manager.last_name}".strip()).replace('"', "")
        lines.append(f'ATTENDEE;CN="{name}";ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{manager.email}')
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return "".join(_ics_fold(line) + "\r\n" for line in lines)


def appointment_invitation_send(*, appointment_id: Any, now: dt.datetime | None = None) -> bool:
    """Email the account manager the invitation (R-APPT-1). Safe to run twice: an invitation
    already sent is not sent again. False when there is nobody (or no address) to send to."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("company", "person", "account_manager")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.invitation_sent_at is not None:
            return False
        manager = appointment.account_manager
        if manager is None or not manager.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            local = timezone.localtime(appointment.starts_at)
            message = EmailMessage(
                subject=appointment_summary(appointment),
                body=_("An appointment was made for you on %(when)s. The invitation is attached.")
                % {"when": local.strftime("%d-%m-%Y %H:%M")},
                to=[manager.email],
            )
            message.attach("invitation.ics", appointment_ics(appointment, now=now), "text/calendar; method=REQUEST")
        message.send()
        appointment.invitation_sent_at = now
        appointment.save(update_fields=["invitation_sent_at"])
    logger.info("appointment invitation sent: appointment %s", appointment.pk)
    return True
