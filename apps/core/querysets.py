from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from apps.accounts.models import User


class VisibleToQuerySet(models.QuerySet):
    """`Model.objects.visible_to(user)`: the rows a user may see, for pages, API, admin and exports.

    The rules themselves live in one place, `apps.core.access`.
    """

    def visible_to(self, user: User | Any, **kwargs: Any) -> models.QuerySet:
        from apps.core import access

        return access.scope(self, user, **kwargs)
