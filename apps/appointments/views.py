"""Appointments pages (R-APPT-1): the list for the client and the assignment's supervisors,
and, for the client's users only (downloads are theirs, policy §3), the CSV and each
appointment's .ics invitation."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.appointments.models import Appointment, InformationRequest
from apps.appointments.selectors import (
    appointment_headers,
    appointment_list,
    appointment_rows,
    information_email,
    information_request_list,
)
from apps.appointments.services import appointment_ics
from apps.audit.models import AccessAction
from apps.audit.services import access_log_selected, access_log_shown
from apps.core.access import (
    AssignmentPerm,
    get_appointment_for_user,
    get_assignment_for_user,
    get_assignment_to_download,
    may_download,
)
from apps.imports.exports import escape_formula
from apps.prospects.models import Person

# The list shows at most this many (soonest first); the download holds them all.
LIST_SIZE = 200


def appointments_context(*, request: HttpRequest, assignment: object, also_shown: dict | None = None) -> dict:
    """What `appointments/_list.html` needs; access-logged (R-LOG-1) in one entry per kind,
    with what else the page shows (`also_shown`). For any page that includes the list (the
    supervisor's progress page may)."""
    rows = list(appointment_list(user=request.user, assignment=assignment)[:LIST_SIZE])
    also_shown = also_shown or {}
    persons = [a.person_id for a in rows if a.person_id]
    persons += [pk for pk in also_shown.get(Person, []) if pk not in persons]
    access_log_shown(
        actor=request.user,
        action=AccessAction.LIST,
        shown={**also_shown, Appointment: [a.pk for a in rows], Person: persons},
        assignment_id=assignment.pk,  # type: ignore[attr-defined]
        request=request,
    )
    return {
        "appointments": rows,
        "appointments_assignment": assignment,
        "appointments_downloadable": may_download(request.user, assignment),
        "now": timezone.now(),
    }


@require_GET
@login_required
def appointment_list_page(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.SUPERVISE)
    requests = list(information_request_list(user=request.user, assignment=assignment)[:LIST_SIZE])
    for r in requests:  # a restricted person's address is not shown (R-DSR-5)
        r.shown_email = information_email(r)
    shown = {InformationRequest: [r.pk for r in requests], Person: [r.person_id for r in requests if r.shown_email]}
    context = {
        "assignment": assignment,
        "information_requests": requests,
        **appointments_context(request=request, assignment=assignment, also_shown=shown),
    }
    return render(request, "appointments/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(assignment: object) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow(appointment_headers())
    for row in appointment_rows(assignment):
        yield writer.writerow([escape_formula(v) for v in row])


@require_GET
@login_required
def appointment_download(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """All appointments of the assignment as CSV (semicolons, UTF-8 with BOM, formulas escaped)."""
    assignment = get_assignment_to_download(request.user, assignment_id)
    selected = Appointment.objects.filter(assignment=assignment)
    access_log_selected(
        actor=request.user,
        action=AccessAction.DOWNLOAD,
        shown={
            Appointment: selected.values_list("pk", flat=True),
            Person: selected.filter(person__isnull=False).values_list("person_id", flat=True),
        },
        assignment_id=assignment.pk,
        request=request,
    )
    response = StreamingHttpResponse((part.encode() for part in _csv(assignment)), content_type="text/csv")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="appointments-{stamp}.csv"'
    return response


@require_GET
@login_required
def appointment_invitation(request: HttpRequest, appointment_id: str) -> HttpResponse:
    """One appointment as an .ics file, for the client's users (404 for anyone who may not
    see it, 403 for the staff who see it in the application only)."""
    appointment = get_appointment_for_user(request.user, appointment_id)
    if not may_download(request.user, appointment.assignment):
        raise PermissionDenied
    shown: dict = {Appointment: [appointment.pk]}
    if appointment.person_id:
        shown[Person] = [appointment.person_id]
    access_log_shown(
        actor=request.user,
        action=AccessAction.DOWNLOAD,
        shown=shown,
        assignment_id=appointment.assignment_id,
        request=request,
    )
    response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{str(appointment.pk)[:8]}.ics"'
    return response
