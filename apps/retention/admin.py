"""Administrators read the runs of the clock rules (R-RET-1); nobody edits them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.models import Role
from apps.core.admin_site import admin_site, works_in_admin
from apps.retention.models import JobRun


@admin.register(JobRun, site=admin_site)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["rule", "started_at", "finished_at", "now", "dry_run", "status", "counts"]
    list_filter = ["rule", "status", "dry_run"]
    date_hierarchy = "started_at"
    ordering = ["-started_at"]
    readonly_fields = ["rule", "started_at", "finished_at", "now", "dry_run", "status", "counts", "error"]

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
