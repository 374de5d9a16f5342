"""Demo HR files for the board (`manage.py seed_demo`), idempotent. No real persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.hr.models import Applicant, ApplicantStatus, Employee, EntryKind, InterviewReport


def seed_hr_demo(*, users: dict[str, Any]) -> None:
    today = timezone.localdate()
    if Employee.objects.exists() or Applicant.objects.exists():
        return
    agent = Employee.objects.create(
        user=users.get("agent1"),
        name="Anna Agent",
        email="anna.agent@leadhunter.example",
        phone="+31612345678",
        payroll_details="Schaal 4, 32 uur",
        start_date=today.replace(year=today.year - 2, month=1, day=1),
    )
    agent.entries.create(kind=EntryKind.PERFORMANCE, date=today.replace(month=1, day=15), text="Goed op weg.")
    agent.entries.create(kind=EntryKind.CONVERSATION, date=today.replace(month=1, day=20), text="Rooster besproken.")
    Employee.objects.create(
        name="Oud Medewerker",
        start_date=today.replace(year=today.year - 6, month=1, day=1),
        leaving_date=today.replace(year=today.year - 3, month=1, day=1),
    )
    candidate = Applicant.objects.create(
        name="Sam Sollicitant", email="sam@example.nl", status=ApplicantStatus.INTERVIEWING
    )
    InterviewReport.objects.create(applicant=candidate, date=today, text="Eerste gesprek: enthousiast.")
    Applicant.objects.create(
        name="Rob Afgewezen", status=ApplicantStatus.REJECTED, rejection_date=today - dt.timedelta(days=30)
    )
