"""The REST API, version 1 (SPEC §5). Paths here are the stable public surface."""

from django.urls import path
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.throttle import account_blocked, account_failed, too_many_attempts_message
from apps.accounts.tokens import api_token_create
from apps.appointments import api as appointments_api
from apps.assignments import api as assignments_api
from apps.calling import api as calling_api
from apps.core.api import ScopedThrottle
from apps.imports import api as imports_api
from apps.privacy import api as privacy_api


class TokenApi(APIView):
    """POST username and password, get a new token for `Authorization: Token <token>` and
    its end (`expires_at`); the key is shown only here (stored hashed)."""

    authentication_classes: list = []  # credentials come in the body; no session, so no CSRF
    permission_classes: list = []
    serializer_class = AuthTokenSerializer
    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The per-account back-off of the login pages holds here too (R-SEC-1).
        username = request.data.get("username") if hasattr(request.data, "get") else None
        username = username if isinstance(username, str) else None
        if account_blocked(request, username):
            return Response({"detail": too_many_attempts_message()}, status=429)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            account_failed(request, username)
            raise
        token, key = api_token_create(user=serializer.validated_data["user"])
        return Response({"token": key, "expires_at": token.expires_at})


urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("assignments/", assignments_api.AssignmentListApi.as_view(), name="assignment-list"),
    path("assignments/<uuid:assignment_id>/", assignments_api.AssignmentDetailApi.as_view(), name="assignment-detail"),
    # The agent flow (issue 4)
    path("assignments/<uuid:assignment_id>/next/", calling_api.NextProspectApi.as_view(), name="assignment-next"),
    path(
        "assignments/<uuid:assignment_id>/call-notes/",
        calling_api.CallNoteListApi.as_view(),
        name="assignment-call-notes",
    ),
    path("prospects/<uuid:prospect_id>/calls/", calling_api.CallCreateApi.as_view(), name="prospect-calls"),
    path("persons/<uuid:person_id>/verify/", calling_api.PersonVerifyApi.as_view(), name="person-verify"),
    path("persons/<uuid:person_id>/consent/", calling_api.PersonConsentApi.as_view(), name="person-consent"),
    path(
        "persons/<uuid:person_id>/left-company/", calling_api.PersonLeftCompanyApi.as_view(), name="person-left-company"
    ),
    # Issue 13: appointments (R-APPT-1)
    path(
        "assignments/<uuid:assignment_id>/appointments/",
        appointments_api.AppointmentListApi.as_view(),
        name="assignment-appointments",
    ),
    # Issue 3: imports, the download and the client's database (R-IMP-*, R-EXP-*).
    path("assignments/<uuid:assignment_id>/imports/", imports_api.ImportCreateApi.as_view(), name="import-create"),
    path("imports/<uuid:import_id>/", imports_api.ImportDetailApi.as_view(), name="import-detail"),
    path("imports/<uuid:import_id>/confirm/", imports_api.ImportConfirmApi.as_view(), name="import-confirm"),
    path("assignments/<uuid:assignment_id>/export/", imports_api.ExportApi.as_view(), name="assignment-export"),
    path("assignments/<uuid:assignment_id>/prospects/", imports_api.ProspectListApi.as_view(), name="prospect-list"),
    path("prospects/<uuid:prospect_id>/", imports_api.ProspectDetailApi.as_view(), name="prospect-detail"),
    # Issue 6: the public data-subject request (R-DSR-1); no login.
    path("privacy/requests/", privacy_api.RequestCreateApi.as_view(), name="privacy-request-create"),
]
