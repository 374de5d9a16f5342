"""Administrators read the runs of the clock rules (R-RET-1); nobody edits them."""

from __future__ import annotations

from django.contrib import admin

from apps.core.admin import AdministratorsReadOnlyAdmin
from apps.core.admin_site import admin_site
from apps.retention.models import JobRun


@admin.register(JobRun, site=admin_site)
class JobRunAdmin(AdministratorsReadOnlyAdmin):
    list_display = ["rule", "started_at", "finished_at", "now", "dry_run", "status", "counts"]
    list_filter = ["rule", "status", "dry_run"]
    date_hierarchy = "started_at"
    search_fields = ["rule"]
    ordering = ["-started_at"]
    readonly_fields = ["rule", "started_at", "finished_at", "now", "dry_run", "status", "counts", "error"]
