"""API of the agent flow (SPEC §5): the same services and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.appointments.models import AppointmentKind
from apps.appointments.services import AppointmentDetails, InformationDetails
from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record, access_log_shown
from apps.calling.models import PauseEnd
from apps.calling.queue import prospect_lease_next
from apps.calling.selectors import NOTE_ORDERINGS, CallScreen, call_note_list, call_screen
from apps.calling.services import NOTE_MAX_LENGTH, call_note_create, person_left_company
from apps.callnotes.models import CallNote
from apps.clients.models import ClientContact
from apps.core.access import (
    AssignmentPerm,
    get_assignment_for_user,
    get_person_for_user,
    get_prospect_for_agent,
    prospects_visible_to,
)
from apps.core.api import SharedFields, StrictInput
from apps.privacy.consent import person_consent_record
from apps.privacy.models import ConsentChannel
from apps.prospects.models import Person, Prospect
from apps.prospects.serializers import CompanyOutput, PersonForAgentOutput, PersonOutput, person_output
from apps.prospects.services import person_update

# --- Output --------------------------------------------------------------------------


class NoteOutput(SharedFields, serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    result = serializers.CharField(source="result.code")
    result_label = serializers.CharField(source="result.label")
    agent = serializers.CharField(source="agent.username")
    # A redaction shows as such, in the reader's language (R-NOTE-3, R-DSR-4).
    text = serializers.CharField(source="display_text")

    class Meta:
        model = CallNote
        fields = ["id", "company", "result", "result_label", "agent", "created_at", "handle_seconds", "text"]


class ResultOutput(SharedFields, serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    outcome = serializers.CharField()
    asks = serializers.CharField(
        help_text='"appointment": the call needs `appointment`; "email": `information`; "" nothing more.'
    )


class AccountManagerChoice(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class AgentTodayOutput(SharedFields, serializers.Serializer):
    calls = serializers.IntegerField()
    reached = serializers.IntegerField()
    appointments = serializers.IntegerField()


class CallScreenOutput(SharedFields, serializers.Serializer):
    """The leased prospect as the call screen shows it (R-CALL-1)."""

    id = serializers.UUIDField(source="prospect.id")
    assignment = serializers.UUIDField(source="prospect.assignment_id")
    status = serializers.CharField(source="prospect.status")
    callback_at = serializers.DateTimeField(source="prospect.callback_at", allow_null=True)
    lease_expires_at = serializers.DateTimeField(allow_null=True)
    company = CompanyOutput(source="prospect.company")
    company_verify = serializers.BooleanField()
    company_differences = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="[field label, value]: the client gave this value; the company's recently verified one is kept "
        "until an agent verifies (R-IMP-3).",
    )
    persons = PersonForAgentOutput(many=True)  # a person as an agent may see them (R-CALL-3)
    notes = NoteOutput(many=True)
    results = ResultOutput(many=True)
    account_managers = serializers.SerializerMethodField(
        help_text="The client's contact persons an appointment can be made for (R-APPT-1)."
    )
    today = AgentTodayOutput(help_text="The agent's own figures of today in this assignment.")

    @extend_schema_field(AccountManagerChoice(many=True))
    def get_account_managers(self, screen: CallScreen) -> list[dict[str, Any]]:
        return [{"id": pk, "name": name} for pk, name in screen.account_managers]


# --- Input ---------------------------------------------------------------------------
class AppointmentInput(StrictInput):
    """The appointment of the result "appointment made" (R-APPT-1)."""

    starts_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    person = serializers.UUIDField(help_text="One of the prospect's contact persons (the call screen's `persons`).")
    account_manager = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of the client's contact persons."
    )


class InformationInput(StrictInput):
    """The address of a result that asks for one ("send information", issue 13 #1)."""

    person = serializers.UUIDField(help_text="One of the prospect's contact persons (the call screen's `persons`).")
    email = serializers.CharField(max_length=254)


class CallInput(StrictInput):
    result = serializers.CharField(max_length=40, help_text="The code of one of the assignment's results.")
    text = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")
    callback_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    appointment = AppointmentInput(
        required=False, allow_null=True, default=None, help_text="Required when the result asks for an appointment."
    )
    information = InformationInput(
        required=False, allow_null=True, default=None, help_text='Required when the result asks for "email".'
    )


class PersonInput(StrictInput):
    """Empty or absent fields keep what is on record; posting nothing confirms the person.
    Any other field (a legal basis among them) is refused, not ignored."""

    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    tussenvoegsel = serializers.CharField(required=False, allow_blank=True, max_length=30)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class ConsentInput(StrictInput):
    channel = serializers.ChoiceField(choices=ConsentChannel.choices, default=ConsentChannel.PHONE)


class ConsentOutput(serializers.Serializer):
    """The proof of consent as recorded, and whether the confirmation email went (R-CON-1)."""

    id = serializers.UUIDField(source="record.id")
    person = serializers.UUIDField(source="record.person_id")
    given_at = serializers.DateTimeField(source="record.given_at")
    channel = serializers.ChoiceField(source="record.channel", choices=ConsentChannel.choices)
    confirmation_sent = serializers.BooleanField(source="mail_sent")
    confirmation_error = serializers.CharField(
        source="mail_error", allow_blank=True, help_text="Why the confirmation email was not sent; empty when it was."
    )


def _log_screen(request: Request, screen: CallScreen) -> None:
    prospect = screen.prospect
    access_log_shown(  # the prospect and the persons in the response (R-LOG-1)
        actor=request.user,
        action=AccessAction.VIEW,
        shown={
            Prospect: [prospect.pk],
            Person: [p.id for p in screen.persons],
            ClientContact: [pk for pk, _name in screen.account_managers],
        },
        assignment_id=prospect.assignment_id,
        request=request,
    )


# --- Views ---------------------------------------------------------------------------
@extend_schema(
    summary="Lease the next prospect of the assignment (agents); the one already held comes back again",
    request=None,
    responses={200: CallScreenOutput, 204: None},
)
class NextProspectApi(APIView):
    def post(self, request: Request, assignment_id: Any) -> Response:
        assignment = get_assignment_for_user(request.user, assignment_id, AssignmentPerm.WORK)
        # The pause's end, the lease, the screen's reads and the access-log entry of what they
        # show commit together: one commit (one WAL flush) per "next" (issue 16 #2). Taking
        # the next prospect ends a pause (issue 13 #4: the API has no session to tell).
        with transaction.atomic():
            prospect = prospect_lease_next(assignment=assignment, agent=request.user, end_pause=PauseEnd.NEXT)
            if prospect is None:
                return Response(status=status.HTTP_204_NO_CONTENT)
            prospect.assignment = assignment  # the lease just made is the access: no second lookup
            screen = call_screen(prospect=prospect, agent=request.user)
            _log_screen(request, screen)
        return Response(CallScreenOutput(screen).data)


@extend_schema(
    summary="Record a call: result, note, optional callback (the agent holding the lease)",
    request=CallInput,
    responses={201: NoteOutput},
)
class CallCreateApi(APIView):
    def post(self, request: Request, prospect_id: Any) -> Response:
        prospect = get_prospect_for_agent(request.user, prospect_id)
        data = CallInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = prospect.assignment.results.filter(code=data.validated_data["result"]).first()
        if result is None:
            raise ValidationError({"result": [_("Choose one of this assignment's results.")]})
        given = data.validated_data["appointment"]
        appointment = (
            AppointmentDetails(
                starts_at=given["starts_at"],
                kind=given["kind"],
                person_id=given["person"],
                account_manager_id=given["account_manager"],
            )
            if given
            else None
        )
        note = call_note_create(
            prospect=prospect,
            actor=request.user,
            result=result,
            text=data.validated_data["text"],
            callback_at=data.validated_data["callback_at"],
            appointment=appointment,
            information=(
                InformationDetails(person_id=info["person"], email=info["email"])
                if (info := data.validated_data["information"])
                else None
            ),
        )
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="The call notes of an assignment, sorted by company, result or date; never searched (R-NOTE-1)",
    parameters=[OpenApiParameter("ordering", str, enum=list(NOTE_ORDERINGS), description="Default -date.")],
)
class CallNoteListApi(ListAPIView):
    serializer_class = NoteOutput

    def get_queryset(self):  # type: ignore[override]
        assignment = get_assignment_for_user(self.request.user, self.kwargs["assignment_id"])
        self.assignment = assignment
        return call_note_list(
            user=self.request.user, assignment=assignment, ordering=self.request.query_params.get("ordering")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        access_log_bulk(
            actor=request.user,
            action=AccessAction.LIST,
            model=CallNote,
            object_ids=[row["id"] for row in response.data["results"]],
            assignment_id=self.assignment.pk,
            request=request,
        )
        return response


# Who may verify a person or mark them as gone (SPEC §5): the agent holding the lease
# (persons_visible_to gives an agent only the persons of their prospect), clients, supervisors.
_PERSON_EDITORS = {Role.AGENT, Role.CLIENT, Role.SUPERVISOR}


def _person_for(request: Request, person_id: Any) -> Any:
    person = get_person_for_user(request.user, person_id)
    if request.user.role not in _PERSON_EDITORS:
        raise PermissionDenied
    return person


@extend_schema(
    summary="Confirm a person, or correct them: either way they are verified now (R-RET-3)",
    request=PersonInput,
    responses={200: PolymorphicProxySerializer("PersonAfterVerify", [PersonForAgentOutput, PersonOutput], None)},
)
class PersonVerifyApi(APIView):
    def post(self, request: Request, person_id: Any) -> Response:
        person = _person_for(request, person_id)
        data = PersonInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = {k: v.strip() for k, v in data.validated_data.items() if v and v.strip()}
        person = person_update(person=person, actor=request.user, **given)
        access_log_record(actor=request.user, action=AccessAction.VIEW, obj=person, request=request)
        return Response(person_output(request.user, person))  # by audience: agents get their view


@extend_schema(
    summary="Consent given by phone (R-CON-1): the agent holding the lease records it; the legal basis becomes "
    "consent and the confirmation with the withdrawal link is emailed after the commit",
    request=ConsentInput,
    responses={201: ConsentOutput},
)
class PersonConsentApi(APIView):
    def post(self, request: Request, person_id: Any) -> Response:
        person = get_person_for_user(request.user, person_id)
        if request.user.role != Role.AGENT:  # consent is heard on a call: the agent's alone
            raise PermissionDenied
        data = ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The agent reaches the person only through the prospect they hold (or their callback,
        # which the service refuses: consent needs the lease of a call in progress).
        prospect = prospects_visible_to(request.user).filter(person_links__person=person).first()
        if prospect is None:
            raise PermissionDenied
        outcome = person_consent_record(
            prospect=prospect,
            person=person,
            actor=request.user,
            channel=data.validated_data["channel"],
            request=request,
        )
        return Response(ConsentOutput(outcome).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="The person left the company: this client's record is deleted at once (R-CALL-2, R-IMP-4)",
    request=None,
    responses={204: None},
)
class PersonLeftCompanyApi(APIView):
    def post(self, request: Request, person_id: Any) -> Response:
        person = _person_for(request, person_id)
        person_left_company(person=person, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
