"""Deployment checks of our own (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def database_roles_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """R-SEC-3: the application must not run as the owner of its tables."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    runtime = settings.DATABASES["default"].get("USER")
    if not owner:
        return [
            Warning(
                "DATABASE_OWNER_URL is not set: the application connects as the role that owns its "
                "tables, which can disable the triggers that keep notes and logs immutable (R-SEC-3).",
                hint="Run migrations as an owner role (DATABASE_OWNER_URL) and the application as a "
                "role with data rights only (DATABASE_URL); see `manage.py db_roles` and the README.",
                id="leadhunter.W001",
            )
        ]
    if owner.get("USER") == runtime:
        return [
            Warning(
                "DATABASE_URL and DATABASE_OWNER_URL name the same role (R-SEC-3).",
                hint="DATABASE_URL must name the runtime role, which owns nothing.",
                id="leadhunter.W002",
            )
        ]
    return []
