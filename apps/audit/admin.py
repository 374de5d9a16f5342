from django.contrib import admin

from apps.audit.models import AccessLogEntry
from apps.core.admin import AdministratorsReadOnlyAdmin
from apps.core.admin_site import admin_site


@admin.register(AccessLogEntry, site=admin_site)
class AccessLogEntryAdmin(AdministratorsReadOnlyAdmin):
    """Administrators read the access log; nobody changes or deletes it (R-LOG-1)."""

    list_display = ["at", "actor_id", "action", "object_type", "object_id", "object_count", "assignment_id"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"
    # Ids are searched whole: a user, an object (a prospect's or person's id), a page.
    search_fields = ["=actor_id", "=object_id", "object_type", "via"]
    ordering = ["-at"]
