from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.accounts.services import user_change_role, user_create
from apps.core.admin_site import admin_site, works_in_admin


class UsernameIsFreeMixin:
    """Usernames are unique regardless of case ("Agent1" is "agent1")."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]  # type: ignore[attr-defined]
        others = User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        if others.exists():
            raise forms.ValidationError(_("The username %(username)s is taken.") % {"username": username})
        return username


class UserCreateForm(UsernameIsFreeMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty for an account that cannot log in yet."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "role",
            "client",
            "first_name",
            "last_name",
            "email",
            "is_privacy_officer",
            "confidentiality_signed_on",
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password"):
            try:
                validate_password(
                    data["password"],
                    # every attribute the similarity check compares, not only the name
                    User(
                        username=data.get("username", ""),
                        first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""),
                        email=data.get("email", ""),
                    ),
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class UserChangeForm(UsernameIsFreeMixin, DjangoUserChangeForm):
    pass


class UserAdmin(DjangoUserAdmin):
    """Accounts are the administrators' business only; nobody is a Django superuser."""

    add_form = UserCreateForm
    form = UserChangeForm
    list_display = ["username", "role", "client", "is_privacy_officer", "confidentiality_signed_on", "is_active"]
    list_filter = ["role", "is_privacy_officer", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Role"), {"fields": ["role", "client", "is_privacy_officer", "confidentiality_signed_on", "is_active"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": UserCreateForm.Meta.fields + ["password"]})]
    readonly_fields = ["last_login", "date_joined"]

    def _is_admin(self, request: HttpRequest) -> bool:
        return works_in_admin(request.user) and request.user.role == Role.ADMINISTRATOR

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: notes and logs refer to their author

    def save_model(self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool) -> None:
        if change:
            if "role" in form.changed_data or "client" in form.changed_data:
                # Nothing of the old role carries over: its assignment rights and leases go.
                user_change_role(user=obj, role=obj.role, client=obj.client, actor=request.user)
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = user_create(
            username=data["username"],
            role=data["role"],
            password=data.get("password") or None,
            client=data.get("client"),
            email=data.get("email", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            is_privacy_officer=data.get("is_privacy_officer", False),
            confidentiality_signed_on=data.get("confidentiality_signed_on"),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False


admin_site.register(User, UserAdmin)
