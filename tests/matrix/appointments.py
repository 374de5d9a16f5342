"""Rows of issue 13: appointments (R-APPT-1), "send information" requests, and the agent's
skip and pause (from the call screen, and from the workspace with resume).

The list is for whoever may supervise the target assignment (Acme's client user, its
supervisor, the administrators); the CSV and the .ics are downloads, the client's alone
(policy §3: staff 403). Skip and pause are the lease holder's, like the rest of the call
screen; everyone else finds nothing (404, R-NTK-1).
"""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World
from tests.matrix import Row, expect, only
from tests.matrix.calling import AGENTS_ON_TARGET, LEASE_HOLDER, SUPERVISES_TARGET
from tests.matrix.client_database import download


def _appointment(w: World) -> str:
    from apps.appointments.models import Appointment
    from tests.factories import AppointmentFactory

    appointment = Appointment.objects.filter(note=w.note).first() or AppointmentFactory(note=w.note)
    return str(appointment.pk)


ROWS: dict[str, Row] = {
    "appointments:list": Row(
        lambda w: reverse("appointments:list", args=[w.assignment.pk]),
        get=only(SUPERVISES_TARGET, 200, 404, anonymous=302),
        post=expect(405),
    ),
    "appointments:download": Row(
        lambda w: reverse("appointments:download", args=[w.assignment.pk]), get=download(200, 302), post=expect(405)
    ),
    "appointments:invitation": Row(
        lambda w: reverse("appointments:invitation", args=[_appointment(w)]), get=download(200, 302), post=expect(405)
    ),
    "api:assignment-appointments": Row(
        lambda w: reverse("api:assignment-appointments", args=[w.assignment.pk]),
        get=only(SUPERVISES_TARGET, 200, 404, anonymous=401),
        post=expect(405, anonymous=401),
    ),
    # Issue 13 #1: the addresses to send information to, seen as the appointments are.
    "api:assignment-information-requests": Row(
        lambda w: reverse("api:assignment-information-requests", args=[w.assignment.pk]),
        get=only(SUPERVISES_TARGET, 200, 404, anonymous=401),
        post=expect(405, anonymous=401),
    ),
    # Issue 13 #4: pause and resume from the workspace, the assignment's agents only.
    "calling:pause-start": Row(
        lambda w: reverse("calling:pause-start", args=[w.assignment.pk]),
        get=expect(405),
        post=only(AGENTS_ON_TARGET, 302, 404, anonymous=302),
    ),
    "calling:resume": Row(
        lambda w: reverse("calling:resume", args=[w.assignment.pk]),
        get=expect(405),
        post=only(AGENTS_ON_TARGET, 302, 404, anonymous=302),
    ),
    # No reason given: the lease holder sees the screen again with the question (400).
    "calling:skip": Row(
        lambda w: reverse("calling:skip", args=[w.prospect.pk]),
        get=expect(405),
        post=only(LEASE_HOLDER, 400, 404, anonymous=302),
    ),
    "calling:pause": Row(
        lambda w: reverse("calling:pause", args=[w.prospect.pk]),
        get=expect(405),
        post=only(LEASE_HOLDER, 302, 404, anonymous=302),
    ),
}
