"""API of SPEC §5 for imports, the download and the client's database (one view per operation)."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.models import AccessAction
from apps.audit.services import access_log_shown
from apps.calling.api import CallScreenOutput
from apps.calling.selectors import call_screen
from apps.clients.models import ClientContact, LegalBasis
from apps.core.access import (
    AssignmentPerm,
    get_assignment_for_user,
    get_assignment_to_download,
    get_import_for_user,
    get_prospect_for_user,
    get_prospect_to_manage,
    may_download,
)
from apps.core.api import BoundedDictField, StrictInput
from apps.imports import exports, selectors
from apps.imports.models import ImportJob
from apps.imports.records import prospect_record_update
from apps.imports.services import import_job_choose_sheet, import_job_confirm, import_job_create, import_progress
from apps.prospects.models import CompanyStatus, Person, Prospect
from apps.prospects.selectors import Audience, audience_of
from apps.prospects.serializers import CompanyOutput, PersonOutput, database_context
from apps.prospects.services import prospect_delete


class ImportMergesOutput(serializers.Serializer):
    """Rows that named a company another row or a known record already named (issue 12 #1),
    counted by the key that joined them: kvk, domain, name_postcode, name_address, name."""

    file = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text="Rows merged with an earlier row of the file."
    )
    existing = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text="Rows matched to a company already known."
    )
    assignment = serializers.IntegerField(
        required=False, help_text="Rows naming a company already in this assignment (completed, not doubled)."
    )


class ImportOutput(serializers.ModelSerializer):
    assignment = serializers.UUIDField(source="assignment_id")
    progress = serializers.SerializerMethodField()
    merges = ImportMergesOutput(read_only=True)
    sheet = serializers.SerializerMethodField(help_text="The workbook's sheet being read (xlsx only).")
    sheets = serializers.SerializerMethodField(
        help_text="The workbook's visible sheets with data, any of which can be read instead (R-IMP-6)."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id", "assignment", "status", "file_format", "headers", "detected_mapping", "mapping", "progress",
            "rows_read", "rows_rejected", "companies_new", "companies_matched", "persons_new", "persons_matched",
            "persons_conflicting", "persons_suppressed", "row_errors", "issues_total", "values_dropped", "merges",
            "error", "created_at", "started_at", "finished_at", "sheet", "sheets",
        ]  # fmt: skip

    def get_progress(self, obj: ImportJob) -> int:
        return import_progress(obj)

    def get_sheet(self, obj: ImportJob) -> str | None:
        return (obj.layout or {}).get("sheet") or None

    def get_sheets(self, obj: ImportJob) -> list[str]:
        return list((obj.layout or {}).get("sheets", []))


class ImportStartedOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()


@extend_schema(
    summary=(
        "Upload a file (.xlsx or .csv) into an assignment: 202 with status 'checking'; the worker reads it "
        "through and detects its mapping (status 'mapping'); confirm to run"
    ),
    request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
    responses={202: ImportStartedOutput},
)
class ImportCreateApi(APIView):
    parser_classes = [MultiPartParser]

    def post(self, request, assignment_id):  # type: ignore[no-untyped-def]
        assignment = get_assignment_for_user(request.user, assignment_id, perm=AssignmentPerm.SUPERVISE)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Send the file as the multipart field `file`."]})
        job = import_job_create(assignment=assignment, actor=request.user, upload=upload, filename=upload.name)
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


@extend_schema(summary="An import: status, detected mapping, progress, counts, per-row errors", responses=ImportOutput)
class ImportDetailApi(APIView):
    def get(self, request, import_id):  # type: ignore[no-untyped-def]
        return Response(ImportOutput(get_import_for_user(request.user, import_id)).data)


class ImportConfirmInput(StrictInput):
    """The file's column headers → Leadhunter's fields; the service checks both against the
    file and the field list (R-IMP-1). Bounded here so that no body reaches it unchecked."""

    mapping = BoundedDictField(
        child=serializers.CharField(allow_blank=False, max_length=100),
        max_items=500,
        max_key_length=255,
        required=False,
    )


@extend_schema(
    summary="Confirm (or change) the column mapping and run the import",
    request=ImportConfirmInput,
    responses={202: ImportOutput},
)
class ImportConfirmApi(APIView):
    parser_classes = [JSONParser]

    def post(self, request, import_id):  # type: ignore[no-untyped-def]
        job = get_import_for_user(request.user, import_id)
        data = ImportConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_job_confirm(job=job, actor=request.user, mapping=data.validated_data.get("mapping"))
        return Response(ImportOutput(job).data, status=status.HTTP_202_ACCEPTED)


class ImportSheetInput(StrictInput):
    sheet = serializers.CharField(max_length=255, help_text="One of the import's `sheets`.")


@extend_schema(
    summary=(
        "Read another sheet of the workbook (R-IMP-6), before the mapping is confirmed: the import goes back to "
        "'checking', which finds that sheet's header row and columns"
    ),
    request=ImportSheetInput,
    responses={202: ImportOutput},
)
class ImportSheetApi(APIView):
    parser_classes = [JSONParser]

    def post(self, request, import_id):  # type: ignore[no-untyped-def]
        job = get_import_for_user(request.user, import_id)
        data = ImportSheetInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = import_job_choose_sheet(job=job, actor=request.user, sheet=data.validated_data["sheet"])
        return Response(ImportOutput(job).data, status=status.HTTP_202_ACCEPTED)


class _FileRenderer(BaseRenderer):
    charset = None

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)  # errors only; files bypass rendering


class XlsxRenderer(_FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


@extend_schema(
    summary=(
        "Download the database with its call notes: .xlsx (two sheets) or csv (a zip of database.csv and "
        "notes.csv); access-logged. The client's users only: staff see the database in the application (403), "
        "policy §3"
    ),
    parameters=[OpenApiParameter("format", str, enum=["xlsx", "csv"])],
    responses={(200, "application/octet-stream"): bytes},
)
class ExportApi(APIView):
    renderer_classes = [XlsxRenderer, CsvRenderer, JSONRenderer]

    def get(self, request, assignment_id):  # type: ignore[no-untyped-def]
        assignment = get_assignment_to_download(request.user, assignment_id)
        return export_response(request, assignment, request.query_params.get("format", "xlsx"))


def export_response(request: Any, assignment: Any, file_format: str) -> Any:
    """The file download shared by the page and the API; logged before the first byte."""
    if not may_download(request.user, assignment):  # a caller that skipped get_assignment_to_download
        raise DjangoPermissionDenied
    if file_format not in ("xlsx", "csv"):
        raise NotFound()
    exports.export_log(assignment=assignment, actor=request.user, request=request)
    filename = exports.export_filename(assignment, file_format)
    if file_format == "csv":
        # database.csv + notes.csv in one zip: the notes never mix with the data (R-IMP-7).
        response = StreamingHttpResponse(exports.csv_zip_stream(assignment), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        exports.xlsx_file(assignment), as_attachment=True, filename=filename, content_type=XlsxRenderer.media_type
    )


class ProspectOutput(serializers.ModelSerializer):
    """A record of the database, for those who hold it (never an agent: `prospect_output`)."""

    assignment = serializers.UUIDField(source="assignment_id")
    company = CompanyOutput()
    persons = PersonOutput(many=True)
    last_result = serializers.CharField(source="last_result.code", allow_null=True, default=None)

    class Meta:
        model = Prospect
        fields = [
            "id",
            "assignment",
            "company",
            "persons",
            "status",
            "callback_at",
            "last_result",
            "last_called_at",
            "extra",
        ]


def prospect_output(user: Any, prospect: Prospect) -> dict[str, Any]:
    """One prospect as `user` may see it: the one place that picks the output by audience.
    An agent (holding the lease, R-NTK-2) gets exactly the call screen, its persons as an
    agent may see them (R-CALL-3) and none of the client's extra columns; the database
    holders get the record."""
    if audience_of(user) is Audience.AGENT:
        return CallScreenOutput(call_screen(prospect=prospect, agent=user)).data
    record = selectors.prospect_with_persons(prospect.pk)
    return ProspectOutput(record, context=database_context(user)).data


@extend_schema(
    summary="The database of an assignment, paginated",
    parameters=[
        OpenApiParameter("status", str),
        OpenApiParameter("result", str, description="code of the last result"),
        OpenApiParameter("ordering", str, enum=sorted(selectors.PROSPECT_ORDERINGS)),
    ],
)
class ProspectListApi(ListAPIView):
    serializer_class = ProspectOutput

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | database_context(self.request.user)

    def get_queryset(self):  # type: ignore[override]
        assignment = get_assignment_for_user(self.request.user, self.kwargs["assignment_id"], AssignmentPerm.SUPERVISE)
        params = self.request.query_params
        return selectors.prospect_list(
            assignment=assignment,
            user=self.request.user,
            status=params.get("status", ""),
            result=params.get("result", ""),
            ordering=params.get("ordering", ""),
        )

    def list(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = super().list(request, *args, **kwargs)
        results = response.data.get("results", response.data) if isinstance(response.data, dict) else response.data
        access_log_shown(  # the prospects and the persons in the response (R-LOG-1)
            actor=request.user,
            action=AccessAction.LIST,
            shown={
                Prospect: [row["id"] for row in results],
                Person: [person["id"] for row in results for person in row["persons"]],
            },
            assignment_id=self.kwargs["assignment_id"],
            request=request,
        )
        return response


class PersonPatchInput(StrictInput):
    """Corrections of one linked person; fields left out keep their value. The legal basis is
    one of the six GDPR bases (a 400 otherwise); *consent* itself is recorded only by the
    agent's "consent given" (the service refuses it here, also a 400)."""

    id = serializers.UUIDField()
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    tussenvoegsel = serializers.CharField(required=False, allow_blank=True, max_length=30)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False)


def _record_response(request: Any, prospect: Prospect) -> Response:
    """One record as the caller may see it (`prospect_output` picks by audience), access-logged
    with the persons it names (R-LOG-1)."""
    body = prospect_output(request.user, prospect)
    access_log_shown(
        actor=request.user,
        action=AccessAction.VIEW,
        shown={
            Prospect: [prospect.pk],
            Person: [person["id"] for person in body["persons"]],
            # The agent's call screen names the client's contacts (account managers, R-APPT-1).
            ClientContact: [c["id"] for c in body.get("account_managers", [])],
        },
        assignment_id=prospect.assignment_id,
        request=request,
    )
    return Response(body)


class CompanyPatchInput(StrictInput):
    """Corrections of the record's company, each field typed (R-SEC-4): a number, a list or an
    object where text belongs is a 400 here, never a 500 in the service. Lengths are those of
    the columns; the KvK number, phone and postcode are normalised by the service (spaces and
    dots go), so they may come in a little longer."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    kvk_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    street = serializers.CharField(required=False, allow_blank=True, max_length=200)
    house_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    website = serializers.CharField(required=False, allow_blank=True, max_length=255)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=150)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2_147_483_647)
    status = serializers.ChoiceField(choices=CompanyStatus.choices, required=False)


EXTRA_MAX_COLUMNS = 100
EXTRA_MAX_KEY = 100
EXTRA_MAX_VALUE = 1000


class ExtraValueField(serializers.Field):
    """One extra column's value: text, a number, true/false or null (stored as text, null as
    empty); an object or a list is a 400."""

    default_error_messages = {
        "invalid": _("An extra column holds text, a number, true/false or nothing."),
        "max_length": _("An extra column holds at most {max} characters."),
    }

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool):
            return str(data)
        if isinstance(data, (int, float)) and math.isfinite(data):
            return str(data)
        if not isinstance(data, str):
            self.fail("invalid")
        if len(data) > EXTRA_MAX_VALUE:
            self.fail("max_length", max=EXTRA_MAX_VALUE)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": EXTRA_MAX_COLUMNS,
        # OpenAPI 3.0 has no `propertyNames`: the names' bound is stated in words.
        "description": f"The client's own columns by name (at most {EXTRA_MAX_KEY} characters each).",
        "additionalProperties": {
            "oneOf": [{"type": "string", "maxLength": EXTRA_MAX_VALUE}, {"type": "number"}, {"type": "boolean"}],
            "nullable": True,
        },
    }
)
class ExtraInputField(BoundedDictField):
    """The record's extra columns by name (R-SEC-4): a flat object, bounded in size."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=ExtraValueField(allow_null=True), max_items=EXTRA_MAX_COLUMNS, max_key_length=EXTRA_MAX_KEY, **kwargs
        )

    def to_internal_value(self, data: Any) -> dict[str, str]:
        # DRF hands a null past the child: it is "nothing", stored as empty text.
        return {key: "" if value is None else value for key, value in super().to_internal_value(data).items()}


class ProspectPatchInput(StrictInput):
    company = CompanyPatchInput(required=False)
    persons = PersonPatchInput(many=True, required=False)
    extra = ExtraInputField(required=False)


@extend_schema(
    summary=(
        "One record of the database: read, correct, delete. An agent reads only the prospect whose lease "
        "they hold, as their call screen shows it (R-NTK-2, R-CALL-3)"
    ),
    responses=PolymorphicProxySerializer("ProspectForAudience", [ProspectOutput, CallScreenOutput], None),
)
class ProspectDetailApi(APIView):
    serializer_class = ProspectOutput

    def _manageable(self, request, prospect_id):  # type: ignore[no-untyped-def]
        get_prospect_for_user(request.user, prospect_id)  # 404 outside the user's reach
        try:
            return get_prospect_to_manage(request.user, prospect_id)
        except Http404 as exc:  # visible (a leased prospect) but not theirs to change
            raise PermissionDenied() from exc

    def get(self, request, prospect_id):  # type: ignore[no-untyped-def]
        prospect = get_prospect_for_user(request.user, prospect_id)
        return _record_response(request, prospect)

    @extend_schema(
        request=ProspectPatchInput,
        responses=ProspectOutput,
        description="The record after the correction, plus `company_to_verify`: the company fields whose given "
        "value differs from a recently verified one (or is a KvK number); they stay as they were until an agent "
        "verifies them with the company (R-IMP-3).",
    )
    def patch(self, request, prospect_id):  # type: ignore[no-untyped-def]
        prospect = self._manageable(request, prospect_id)
        data = ProspectPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        prospect_record_update(prospect=prospect, actor=request.user, **data.validated_data)
        response = _record_response(request, prospect)
        # The company fields whose given value went "to verify" (R-IMP-3), not applied yet.
        response.data["company_to_verify"] = getattr(prospect.company, "to_verify", [])
        return response

    @extend_schema(responses={204: None})
    def delete(self, request, prospect_id):  # type: ignore[no-untyped-def]
        prospect = self._manageable(request, prospect_id)
        prospect_delete(prospect=prospect, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
