"""The REST API, version 1 (SPEC §5). Paths here are the stable public surface."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from apps.assignments import api as assignments_api


class TokenApi(ObtainAuthToken):
    """POST username and password, get a token for `Authorization: Token <token>`."""

    authentication_classes: list = []  # credentials come in the body; no session, so no CSRF
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("assignments/", assignments_api.AssignmentListApi.as_view(), name="assignment-list"),
    path("assignments/<uuid:assignment_id>/", assignments_api.AssignmentDetailApi.as_view(), name="assignment-detail"),
]
