from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role, User
from apps.assignments import services
from apps.assignments.models import Assignment, CallResult, ProcessorAgreement
from apps.assignments.selectors import assignment_users_with
from apps.core.access import AssignmentPerm
from apps.core.admin import ScopedModelAdmin
from apps.core.admin_site import admin_site
from apps.core.errors import ServiceError

SUPERVISORS_AND_ADMINS = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})


class AssignmentForm(forms.ModelForm):
    """Supervisors and agents are edited here but stored as guardian permissions, by the services."""

    supervisors = forms.ModelMultipleChoiceField(
        label=_("Supervisors"),
        queryset=User.objects.filter(role=Role.SUPERVISOR, is_active=True),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("supervisors"), is_stacked=False),
    )
    agents = forms.ModelMultipleChoiceField(
        label=_("Scheduled agents"),
        queryset=User.objects.filter(role=Role.AGENT, is_active=True),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple(_("agents"), is_stacked=False),
    )

    class Meta:
        model = Assignment
        fields = ["client", "name", "description", "briefing", "starts_on", "ends_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["supervisors"].initial = assignment_users_with(
                assignment=self.instance, perm=AssignmentPerm.SUPERVISE
            )
            self.fields["agents"].initial = assignment_users_with(assignment=self.instance, perm=AssignmentPerm.WORK)


class CallResultInline(admin.TabularInline):
    model = CallResult
    extra = 0
    fields = ["position", "code", "label", "outcome"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.role in SUPERVISORS_AND_ADMINS

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # notes refer to their result: results are kept


class ProcessorAgreementInline(admin.StackedInline):
    model = ProcessorAgreement
    can_delete = False
    fields = ["text_version", "accepted_by", "accepted_at", "accepted_ip"]
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assignment, site=admin_site)
class AssignmentAdmin(ScopedModelAdmin):
    form = AssignmentForm
    change_roles = SUPERVISORS_AND_ADMINS
    list_display = ["name", "client", "is_active", "starts_on", "ends_on"]
    list_filter = ["is_active"]
    list_select_related = ["client"]
    search_fields = ["name", "client__name"]
    readonly_fields = ["is_active"]
    inlines = [ProcessorAgreementInline, CallResultInline]
    actions = ["activate", "deactivate"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["client", "name", "description", "briefing", "starts_on", "ends_on", "is_active", "agents"]
        if request.user.role == Role.ADMINISTRATOR:
            fields.append("supervisors")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["is_active", "client"] if obj else ["is_active"]

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Assignment, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = services.assignment_create(
            client=data["client"],
            name=data["name"],
            description=data.get("description", ""),
            briefing=data.get("briefing", ""),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        assignment = form.instance
        try:
            self._sync(
                request,
                assignment,
                form.cleaned_data.get("agents"),
                AssignmentPerm.WORK,
                services.assignment_schedule_agent,
                services.assignment_unschedule_agent,
            )
            if request.user.role == Role.ADMINISTRATOR:
                self._sync(
                    request,
                    assignment,
                    form.cleaned_data.get("supervisors"),
                    AssignmentPerm.SUPERVISE,
                    services.assignment_add_supervisor,
                    services.assignment_remove_supervisor,
                )
        except ServiceError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    @staticmethod
    def _sync(
        request: HttpRequest, assignment: Assignment, wanted: Any, perm: AssignmentPerm, add: Any, remove: Any
    ) -> None:
        if wanted is None:
            return
        current = set(assignment_users_with(assignment=assignment, perm=perm))
        for user in set(wanted) - current:
            add(assignment=assignment, user=user, actor=request.user)
        for user in current - set(wanted):
            remove(assignment=assignment, user=user, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: Assignment) -> None:
        services.assignment_delete(assignment=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for assignment in queryset:
            services.assignment_delete(assignment=assignment, actor=request.user)

    @admin.action(description=_("Set active"))
    def activate(self, request: HttpRequest, queryset: Any) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description=_("Set inactive (agents lose access at once)"))
    def deactivate(self, request: HttpRequest, queryset: Any) -> None:
        self._set_active(request, queryset, False)

    def _set_active(self, request: HttpRequest, queryset: Any, active: bool) -> None:
        for assignment in queryset:
            try:
                services.assignment_set_active(assignment=assignment, active=active, actor=request.user)
            except ServiceError as error:
                self.message_user(request, f"{assignment}: {' '.join(error.messages)}", messages.ERROR)
