from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import ADMIN_SITE_ROLES
from apps.accounts.throttle import account_blocked, account_failed, login_blocked, login_failed, remember_device
from apps.core.access import may_open_client_data

# Texts of Django's admin (5.2) its own Dutch catalogue still lacks: named here so that
# makemessages puts them in ours (locale/nl_supervisor.py), which takes precedence. The
# picker's JavaScript texts live in locale/nl/LC_MESSAGES/djangojs.po.
DJANGO_ADMIN_TEXTS = (
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("After you’ve created a user, you’ll be able to edit more user options."),
)


def works_in_admin(user) -> bool:  # type: ignore[no-untyped-def]
    """Administrators and supervisors with their confidentiality agreement on record (SPEC §5)."""
    return bool(may_open_client_data(user) and user.role in ADMIN_SITE_ROLES)


class LeadhunterAdminSite(admin.AdminSite):
    site_header = _("Leadhunter administration")
    site_title = _("Leadhunter")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return works_in_admin(request.user)

    def login(self, request: HttpRequest, extra_context=None):  # type: ignore[no-untyped-def]
        username = request.POST.get("username") if request.method == "POST" else None
        if request.method == "POST" and (login_blocked(request) or account_blocked(request, username)):
            return render(request, "accounts/too_many_attempts.html", status=429)
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 200:  # the form came back: it failed
            login_failed(request)
            account_failed(request, username)
        elif request.method == "POST" and request.user.is_authenticated and username:
            remember_device(request, response, username)
        return response


admin_site = LeadhunterAdminSite(name="admin")
