"""The public API of data-subject requests (R-DSR-1): the same service, the same answer and
the same limits as the form. No authentication, so no session and no CSRF."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ServiceError
from apps.core.net import client_ip, site_url
from apps.privacy import services
from apps.privacy.models import RequestKind


class RequestInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.CharField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    # The form's honeypot: leave empty. A filled one gets the same answer; nothing is stored.
    website = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RequestAccepted(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema(
    summary="File a data-subject request (access, rectification, erasure, objection); no login",
    description=(
        "The answer is the same 202 for everyone, whether or not Leadhunter holds data of the "
        "address: an email with a confirmation link goes to the address given. The request reaches "
        "the privacy officer only once confirmed; the answer deadline starts then. Rate-limited per "
        "IP address (IPv6 by its /64) and per email address (429 with Retry-After). JSON only."
    ),
    request=RequestInput,
    responses={202: RequestAccepted, 400: None, 415: None, 429: None},
    auth=[],
)
class RequestCreateApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # JSON only: a browser cannot send it cross-site without a CORS preflight, so other sites
    # cannot make visitors' browsers file requests in somebody's name (form posts get 415).
    parser_classes = [JSONParser]

    def post(self, request):  # type: ignore[no-untyped-def]
        serializer = RequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            cleaned = services.request_clean(
                name=data["name"],
                email=data["email"],
                kind=data["kind"],
                phone=data["phone"],
                company=data["company"],
                message=data["message"],
            )
        except ServiceError as exc:
            raise ApiValidationError(exc.message_dict) from exc
        try:
            services.request_submit(
                data=cleaned,
                ip=client_ip(request),
                honeypot=data["website"],
                language=(get_language() or "nl")[:2],
                site=site_url(request),
            )
        except services.TooManyRequests as exc:
            raise Throttled(wait=services.HOUR, detail=_("Too many requests. Please try again in an hour.")) from exc
        return Response({"detail": services.received_text()}, status=status.HTTP_202_ACCEPTED)
