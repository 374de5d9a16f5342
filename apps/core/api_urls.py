"""The REST API, version 1 (SPEC §5). Paths here are the stable public surface."""

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.throttle import account_blocked, account_failed, too_many_attempts_message
from apps.accounts.tokens import api_token_create
from apps.accounts.twofactor import TooManyAttempts, code_check, has_two_factor, two_factor_required
from apps.appointments import api as appointments_api
from apps.assignments import api as assignments_api
from apps.calling import api as calling_api
from apps.core.api import ScopedThrottle
from apps.imports import api as imports_api
from apps.privacy import api as privacy_api


class TokenInput(AuthTokenSerializer):
    otp_code = serializers.CharField(
        required=False,
        max_length=20,
        write_only=True,
        label=gettext_lazy("Two-factor code"),
        help_text=gettext_lazy(
            "A current code of the authenticator app, or a recovery code: required for accounts "
            "with two-factor authentication (administrators, supervisors, board members)."
        ),
    )


class TokenApi(APIView):
    """POST username and password, get a new token for `Authorization: Token <token>` and
    its end (`expires_at`); the key is shown only here (stored hashed). Accounts with
    two-factor authentication add `otp_code` (R-SEC-1): a token is as good as a verified
    session, so it is made only against a second factor."""

    authentication_classes: list = []  # credentials come in the body; no session, so no CSRF
    permission_classes: list = []
    serializer_class = TokenInput
    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The per-account back-off of the login pages holds here too (R-SEC-1).
        username = request.data.get("username") if hasattr(request.data, "get") else None
        username = username if isinstance(username, str) else None
        if account_blocked(request, username):
            return Response({"detail": too_many_attempts_message()}, status=429)
        serializer = TokenInput(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            account_failed(request, username)
            raise
        user = serializer.validated_data["user"]
        if two_factor_required(user) or has_two_factor(user):
            code = serializer.validated_data.get("otp_code")
            if not code:
                return Response({"otp_code": [_("This account needs a two-factor code.")]}, status=400)
            try:
                if code_check(user=user, code=code, where="api_token") is None:
                    return Response({"otp_code": [_("This code is not valid.")]}, status=400)
            except TooManyAttempts:
                message = _("Too many wrong codes. Please wait a few minutes and try again.")
                return Response({"detail": message}, status=429)
        token, key = api_token_create(user=user)
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
    path("imports/<uuid:import_id>/sheet/", imports_api.ImportSheetApi.as_view(), name="import-sheet"),
    path("assignments/<uuid:assignment_id>/export/", imports_api.ExportApi.as_view(), name="assignment-export"),
    path("assignments/<uuid:assignment_id>/prospects/", imports_api.ProspectListApi.as_view(), name="prospect-list"),
    path("prospects/<uuid:prospect_id>/", imports_api.ProspectDetailApi.as_view(), name="prospect-detail"),
    # Issue 6: the public data-subject request (R-DSR-1); no login.
    path("privacy/requests/", privacy_api.RequestCreateApi.as_view(), name="privacy-request-create"),
]
