"""OpenAPI descriptions of our authentication classes (they subclass DRF's own)."""

from drf_spectacular.authentication import SessionScheme


class LeadhunterSessionScheme(SessionScheme):
    target_class = "apps.core.api.SessionAuthentication"
