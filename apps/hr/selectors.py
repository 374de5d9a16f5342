from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.core.access import scope
from apps.hr.models import Applicant, Employee


def employee_list(*, user: Any) -> QuerySet:
    return scope(Employee.objects.order_by("name", "pk"), user)


def applicant_list(*, user: Any) -> QuerySet:
    return scope(Applicant.objects.order_by("name", "pk"), user)
