"""Reads of appointments (R-APPT-1): per assignment, soonest first, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.appointments.models import Appointment, AppointmentKind, InformationRequest

CHUNK = 2000


def appointment_list(*, user: Any, assignment: Any) -> QuerySet[Appointment]:
    """The appointments of an assignment the user may see (client, its supervisors,
    administrators: `access.appointments_visible_to`), soonest first."""
    return (
        Appointment.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("company", "person", "account_manager", "agent")
        .order_by("starts_at", "id")
    )


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def appointment_headers() -> list[str]:
    return [
        _("Date and time"),
        _("Kind"),
        _("Company name"),
        _("City"),
        _("Contact person"),
        _("Job title"),
        _("Direct phone"),
        _("Direct email"),
        _("Account manager"),
        _("Agent"),
        _("Made on"),
        _("Invitation sent"),
    ]


def appointment_rows(assignment: Any) -> Iterator[list[str]]:
    """The appointments sheet of the download: one server-side cursor, constant memory.
    A deleted person shows as such (R-DEL-1: nothing of them is kept here)."""
    kinds = dict(AppointmentKind.choices)
    rows = (
        Appointment.objects.filter(assignment=assignment)
        .order_by("starts_at", "id")
        .values_list(
            "starts_at",
            "kind",
            "company__name",
            "company__city",
            "person_id",
            "person__first_name",
            "person__last_name",
            "person__job_title",
            "person__phone",
            "person__email",
            "account_manager__first_name",
            "account_manager__last_name",
            "agent__username",
            "created_at",
            "invitation_sent_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    fmt = "%d-%m-%Y %H:%M"
    for row in rows:
        (
            starts,
            kind,
            company,
            city,
            person_id,
            first,
            last,
            title,
            phone,
            email,
            m_first,
            m_last,
            agent,
            made,
            sent,
        ) = row
        yield [
            timezone.localtime(starts).strftime(fmt),
            str(kinds.get(kind, kind)),
            company or "",
            city or "",
            _name(first, last) if person_id else _("(person deleted)"),
            title or "",
            phone or "",
            email or "",
            _name(m_first, m_last),
            agent or "",
            timezone.localtime(made).strftime(fmt),
            timezone.localtime(sent).strftime(fmt) if sent else "",
        ]


# --- "Send information" (issue 13 #1) ----------------------------------------------


def information_request_list(*, user: Any, assignment: Any) -> QuerySet[InformationRequest]:
    """The "send information" requests of an assignment the user may see (as appointments:
    the client, its supervisors, administrators), newest first. Read the address through
    `information_email` only: it knows restricted persons."""
    return (
        InformationRequest.objects.visible_to(user)
        .filter(assignment=assignment)
        .select_related("company", "person", "agent")
        .order_by("-created_at", "id")
    )


def information_restricted(request: InformationRequest) -> bool:
    """Whether the person's processing is restricted (R-DSR-5, Art. 18): the request is kept,
    its address and its person are not shown (the client sees "restricted", as in its download)."""
    return request.person.restricted_at is not None


def information_email(request: InformationRequest) -> str | None:
    """The address to send to, or None while the person's processing is restricted."""
    return None if information_restricted(request) else request.email
