from __future__ import annotations

from celery import shared_task

from apps.appointments import services


@shared_task(name="appointments.invitation")
def appointment_invitation_task(appointment_id: str) -> bool:
    """Email the account manager the appointment's .ics invitation (R-APPT-1). Idempotent."""
    return services.appointment_invitation_send(appointment_id=appointment_id)
