"""The appointments of an assignment in the API (R-APPT-1): the client, its supervisors and administrators."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.appointments.models import Appointment, AppointmentKind
from apps.appointments.selectors import appointment_list
from apps.audit.models import AccessAction
from apps.audit.services import access_log_shown
from apps.core.access import AssignmentPerm, get_assignment_for_user
from apps.prospects.models import Person


class AppointmentPersonOutput(serializers.Serializer):
    """Whom the appointment is with, by name: the person's contact details leave the API
    through the person outputs only (apps.prospects.serializers; tests/test_agent_reads.py),
    which know restrictions and audiences."""

    id = serializers.UUIDField()
    first_name = serializers.CharField()
    tussenvoegsel = serializers.CharField(default="")
    last_name = serializers.CharField()
    job_title = serializers.CharField()


class AccountManagerOutput(serializers.Serializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()


class AppointmentOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    company = serializers.CharField(source="company.name")
    prospect = serializers.UUIDField(source="prospect_id", allow_null=True)
    person = AppointmentPersonOutput(allow_null=True, help_text="Null when the person has been deleted (R-DEL-1).")
    account_manager = AccountManagerOutput(allow_null=True)
    agent = serializers.CharField(source="agent.username")
    note = serializers.UUIDField(source="note_id")

    class Meta:
        model = Appointment
        fields = [
            "id",
            "starts_at",
            "kind",
            "company",
            "prospect",
            "person",
            "account_manager",
            "agent",
            "note",
            "created_at",
            "invitation_sent_at",
        ]


@extend_schema(summary="The appointments of an assignment, soonest first (R-APPT-1)")
class AppointmentListApi(ListAPIView):
    serializer_class = AppointmentOutput

    def get_queryset(self):  # type: ignore[override]
        self.assignment = get_assignment_for_user(
            self.request.user, self.kwargs["assignment_id"], AssignmentPerm.SUPERVISE
        )
        return appointment_list(user=self.request.user, assignment=self.assignment)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data["results"]
        access_log_shown(
            actor=request.user,
            action=AccessAction.LIST,
            shown={
                Appointment: [row["id"] for row in rows],
                Person: [row["person"]["id"] for row in rows if row["person"]],
            },
            assignment_id=self.assignment.pk,
            request=request,
        )
        return response
