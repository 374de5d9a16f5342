from __future__ import annotations

from celery import shared_task

from apps.appointments import services


@shared_task(name="appointments.invitation")
def appointment_invitation_task(appointment_id: str) -> bool:
    """Email the account manager the appointment's .ics invitation (R-APPT-1). Idempotent."""
    return services.appointment_invitation_send(appointment_id=appointment_id)


@shared_task(name="retention.information_request_expiry")
def information_request_expiry() -> int:
    """Issue 13 #1, R-RET-4: daily, "send information" addresses older than
    PERSON_DELETE_AFTER_MONTHS are deleted (they go with their person before that)."""
    from apps.retention.runner import run_rule

    return run_rule("information_request_expiry").pk
