from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry
from apps.core.admin_site import admin_site, works_in_admin


@admin.register(AccessLogEntry, site=admin_site)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Administrators read the access log; nobody changes or deletes it (R-LOG-1)."""

    list_display = ["at", "actor_id", "action", "object_type", "object_id", "object_count", "assignment_id"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"
    ordering = ["-at"]

    def _is_admin(self, request: HttpRequest) -> bool:
        return works_in_admin(request.user) and request.user.role == Role.ADMINISTRATOR

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
