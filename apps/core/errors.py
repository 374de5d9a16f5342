from __future__ import annotations

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A rule of the business said no. The message is translated and shown to the user as it is."""
