"""The board's page for board and privacy-officer accounts (R-SEC-1, issue 15 #10).

Only the board manages these accounts (apps/accounts/guards.py refuses everyone else on
every path); this is where it does so: give or take the board role and the privacy-officer
permission, set such an account's email or password, deactivate or reactivate it. An
administrator creates ordinary accounts in the admin; a board member makes one a board
member or privacy officer here. Everyone else gets the 404 of a page that does not exist,
as for the HR files.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from apps.accounts import guards
from apps.accounts.models import Role, User
from apps.accounts.services import user_change_role
from apps.core.errors import ServiceError


class BoardAction(models.TextChoices):
    SET_ROLE = "set_role", gettext_lazy("Give another role")
    GRANT_PRIVACY_OFFICER = "grant_privacy_officer", gettext_lazy("Grant the privacy-officer permission")
    REVOKE_PRIVACY_OFFICER = "revoke_privacy_officer", gettext_lazy("Take the privacy-officer permission away")
    SET_EMAIL = "set_email", gettext_lazy("Set the email address")
    SET_PASSWORD = "set_password", gettext_lazy("Set the password")  # noqa: S105
    DEACTIVATE = "deactivate", gettext_lazy("Deactivate")
    ACTIVATE = "activate", gettext_lazy("Reactivate")


# The roles the board gives here: staff roles (a client user needs a client: the admin's work).
STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.CLIENT]


@transaction.atomic
def guarded_account_update(*, actor: Any, user: User, action: BoardAction | str, value: str = "") -> User:
    """One change of a board or privacy-officer account (or making one), by a board member."""
    if not guards.may_manage_guarded(actor):
        raise PermissionDenied(guards.refusal_message())
    action = BoardAction(action)
    user = User.objects.select_for_update().get(pk=user.pk)
    with guards.acting_as(actor):
        if action == BoardAction.SET_ROLE:
            if value not in dict(STAFF_ROLE_CHOICES):
                raise ServiceError(_("Choose a role."))
            return user_change_role(user=user, role=value, actor=actor)
        if action == BoardAction.GRANT_PRIVACY_OFFICER:
            if user.role not in (Role.ADMINISTRATOR, Role.BOARD):
                raise ServiceError(_("The privacy-officer permission is for administrators and board members."))
            user.is_privacy_officer = True
            user.save(update_fields=["is_privacy_officer"])
        elif action == BoardAction.REVOKE_PRIVACY_OFFICER:
            user.is_privacy_officer = False
            user.save(update_fields=["is_privacy_officer"])
        elif action == BoardAction.SET_EMAIL:
            try:
                forms.EmailField().clean(value)
            except ValidationError as error:
                raise ServiceError(error.messages) from error
            user.email = value.strip()
            user.save(update_fields=["email"])
        elif action == BoardAction.SET_PASSWORD:
            try:
                validate_password(value, user)
            except ValidationError as error:
                raise ServiceError(error.messages) from error
            user.set_password(value)
            user.save(update_fields=["password"])
        else:
            if action == BoardAction.DEACTIVATE and user.pk == actor.pk:
                raise ServiceError(_("You cannot deactivate your own account."))
            user.is_active = action == BoardAction.ACTIVATE
            user.save(update_fields=["is_active"])
    return user


class BoardAccountForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Account (username)"), max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("Change"), choices=BoardAction.choices)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[("", "—"), *STAFF_ROLE_CHOICES], required=False)
    email = forms.EmailField(label=gettext_lazy("Email address"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput, required=False, max_length=128, strip=False
    )

    def clean_username(self) -> User:
        user = User.objects.filter(username__iexact=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise ValidationError(_("There is no account with that username."))
        return user

    def value(self) -> str:
        action = self.cleaned_data["action"]
        return {
            BoardAction.SET_ROLE: self.cleaned_data.get("role") or "",
            BoardAction.SET_EMAIL: self.cleaned_data.get("email") or "",
            BoardAction.SET_PASSWORD: self.cleaned_data.get("password") or "",
        }.get(action, "")


@login_required
@require_http_methods(["GET", "POST"])
def board_accounts(request: HttpRequest) -> HttpResponse:
    if not guards.may_manage_guarded(request.user):
        raise Http404
    form = BoardAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        try:
            guarded_account_update(
                actor=request.user, user=user, action=form.cleaned_data["action"], value=form.value()
            )
        except ServiceError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("The account %(username)s was changed; the board is told by email.") % {"username": user}
            )
            return redirect("accounts:board-accounts")
    accounts = User.objects.filter(Q(role=Role.BOARD) | Q(is_privacy_officer=True)).order_by("username")
    return render(request, "accounts/board_accounts.html", {"form": form, "accounts": accounts})
