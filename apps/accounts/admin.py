from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts import guards
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


class GuardedAccountFormMixin:
    """Only the board manages board and privacy-officer accounts (apps/accounts/guards.py): the
    form refuses such a change by anyone else with an error, before the model would."""

    actor: Any = None

    def clean(self) -> dict:
        data = super().clean()  # type: ignore[misc]
        instance = self.instance  # type: ignore[attr-defined]
        adding = instance._state.adding
        old = None if adding else {f: getattr(instance, f) for f in guards.GUARDED_FIELDS}
        new = {**(old or {}), **{f: data[f] for f in guards.GUARDED_FIELDS if f in data}}
        changed = set(self.changed_data) & set(guards.GUARDED_FIELDS)  # type: ignore[attr-defined]
        if adding:
            changed = (
                set(guards.GUARD_FIELDS)
                if guards.is_guarded(role=new.get("role"), is_privacy_officer=new.get("is_privacy_officer"))
                else set()
            )
        message = guards.refusal(actor=self.actor, user_pk=instance.pk, old=old, new=new, changed=changed)
        if message:
            raise forms.ValidationError(message)
        return data


class UserCreateForm(UsernameIsFreeMixin, GuardedAccountFormMixin, forms.ModelForm):
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


class UserChangeForm(UsernameIsFreeMixin, GuardedAccountFormMixin, DjangoUserChangeForm):
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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """A board member's or privacy officer's password: the board's (or their own) to set."""
        user = self.get_object(request, id)
        if user is not None and guards.refusal(
            actor=request.user,
            user_pk=user.pk,
            old={f: getattr(user, f) for f in guards.GUARDED_FIELDS},
            new={f: getattr(user, f) for f in guards.GUARDED_FIELDS},
            changed={"password"},
        ):
            raise guards.GuardedAccountRefused(guards.refusal_message())
        return super().user_change_password(request, id, form_url)

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
