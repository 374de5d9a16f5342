from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ADMIN_SITE_ROLES
from apps.core.access import may_open_client_data


def works_in_admin(user) -> bool:  # type: ignore[no-untyped-def]
    """Administrators and supervisors with their confidentiality agreement on record (SPEC §5)."""
    return bool(may_open_client_data(user) and user.role in ADMIN_SITE_ROLES)


class LeadhunterAdminSite(admin.AdminSite):
    site_header = _("Leadhunter administration")
    site_title = _("Leadhunter")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return works_in_admin(request.user)


admin_site = LeadhunterAdminSite(name="admin")
