"""The appointments of an assignment in the API (R-APPT-1): the client, its supervisors and administrators."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.appointments.models import Appointment, AppointmentKind, InformationRequest
from apps.appointments.selectors import (
    appointment_list,
    information_email,
    information_request_list,
    information_restricted,
)
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


class _AssignmentListApi(ListAPIView):
    """A list of one assignment's rows for those who supervise it (the client, its
    supervisors, administrators), access-logged with the persons it names (R-LOG-1)."""

    model: type
    selector: Any

    def get_queryset(self):  # type: ignore[override]
        self.assignment = get_assignment_for_user(
            self.request.user, self.kwargs["assignment_id"], AssignmentPerm.SUPERVISE
        )
        return type(self).selector(user=self.request.user, assignment=self.assignment)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data["results"]
        access_log_shown(
            actor=request.user,
            action=AccessAction.LIST,
            shown={
                self.model: [row["id"] for row in rows],
                Person: [row["person"]["id"] for row in rows if row["person"]],
            },
            assignment_id=self.assignment.pk,
            request=request,
        )
        return response


@extend_schema(summary="The appointments of an assignment, soonest first (R-APPT-1)")
class AppointmentListApi(_AssignmentListApi):
    serializer_class = AppointmentOutput
    model = Appointment
    selector = appointment_list


class InformationRequestOutput(serializers.ModelSerializer):
    """A "send information" request (issue 13 #1): the result of a call that asks for an email."""

    company = serializers.CharField(source="company.name")
    prospect = serializers.UUIDField(source="prospect_id", allow_null=True)
    person = AppointmentPersonOutput(help_text="The person is left out while restricted (R-DSR-5).", allow_null=True)
    email = serializers.SerializerMethodField(help_text="Null while the person's processing is restricted (R-DSR-5).")
    restricted = serializers.SerializerMethodField()
    agent = serializers.CharField(source="agent.username")
    note = serializers.UUIDField(source="note_id")

    class Meta:
        model = InformationRequest
        fields = ["id", "created_at", "company", "prospect", "person", "email", "restricted", "agent", "note"]

    def get_email(self, obj: InformationRequest) -> str | None:
        return information_email(obj)

    def get_restricted(self, obj: InformationRequest) -> bool:
        return information_restricted(obj)

    def to_representation(self, instance: InformationRequest) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data["restricted"]:
            data["person"] = None
        return data


@extend_schema(summary='The "send information" requests of an assignment, newest first (issue 13)')
class InformationRequestListApi(_AssignmentListApi):
    serializer_class = InformationRequestOutput
    model = InformationRequest
    selector = information_request_list
