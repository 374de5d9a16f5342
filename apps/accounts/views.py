from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.accounts.models import Role
from apps.assignments.selectors import assignment_list
from apps.core.access import AssignmentPerm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of each role (SPEC §1)."""
    user = request.user
    context: dict = {"role": user.role}
    if user.role == Role.AGENT:
        context["assignments"] = assignment_list(user=user, perm=AssignmentPerm.WORK)
    elif user.role in (Role.CLIENT, Role.SUPERVISOR, Role.ADMINISTRATOR):
        context["assignments"] = assignment_list(user=user)
    return render(request, "accounts/home.html", context)
