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

    # The client's extra columns the briefing marks as useful: shown on the call screen.
    agent_columns = forms.MultipleChoiceField(
        label=_("Extra columns shown to agents"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Assignment
        fields = ["client", "name", "description", "briefing", "starts_on", "ends_on", "agent_columns"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "agent_columns" in self.fields:
            self.fields["agent_columns"].choices = [(c, c) for c in (self.instance.extra_columns or [])]
        if self.instance.pk:
            self.fields["supervisors"].initial = assignment_users_with(
                assignment=self.instance, perm=AssignmentPerm.SUPERVISE
            )
            self.fields["agents"].initial = assignment_users_with(assignment=self.instance, perm=AssignmentPerm.WORK)

    def clean_name(self) -> str:
        # On change the client is read-only and so not in the form: Django would skip the
        # unique (client, name) check and the database would answer with an error page.
        name = self.cleaned_data["name"]
        client = self.instance.client if self.instance.pk else self.cleaned_data.get("client")
        if client and Assignment.objects.filter(client=client, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This client already has an assignment with that name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        agreement = getattr(self.instance, "processor_agreement", None) if self.instance.pk else None
        if data.get("agents") and not (agreement and agreement.is_accepted):
            # The whole save is refused rather than half-applied (policy §5).
            raise forms.ValidationError(
                _("The client has not yet accepted the processor agreement of this assignment.")
            )
        return data


class CallResultForm(forms.ModelForm):
    class Meta:
        model = CallResult
        fields = ["position", "code", "label", "outcome", "asks"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        meaning = {"code", "label", "outcome"}
        if self.instance.pk and meaning & set(self.changed_data) and self.instance.call_notes.exists():
            # The database refuses it too (R-NOTE-3); say so here instead of an error page.
            raise forms.ValidationError(
                _("Call notes already record this result, so its meaning is fixed. Add a new result instead.")
            )
        return data


class CallResultInline(admin.TabularInline):
    model = CallResult
    form = CallResultForm
    extra = 0
    fields = ["position", "code", "label", "outcome", "asks"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.role in SUPERVISORS_AND_ADMINS

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # notes refer to their result: results are kept


class ProcessorAgreementInline(admin.StackedInline):
    model = ProcessorAgreement
    can_delete = False
    readonly_fields = ["text_version", "accepted_by", "accepted_at", "accepted_ip"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The client user's IP address is for administrators only.
        fields = ["text_version", "accepted_by", "accepted_at"]
        return [*fields, "accepted_ip"] if request.user.role == Role.ADMINISTRATOR else fields

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
        fields = ["client", "name", "description", "briefing", "agent_columns", "starts_on", "ends_on", "is_active"]
        fields.append("agents")
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
            # Within each sync removals come first: taking agents off never waits on anything.
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
        for user in current - set(wanted):
            remove(assignment=assignment, user=user, actor=request.user)
        for user in set(wanted) - current:
            add(assignment=assignment, user=user, actor=request.user)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list[str], dict[str, int], set, list]:
        """What goes, as R-EXP-3 says it: the service owns the cascade (notes included,
        which nobody may delete on their own), so no per-model delete right is needed."""
        from apps.callnotes.models import CallNote
        from apps.prospects.models import Prospect

        ids = [obj.pk for obj in objs]
        counts = {
            str(Assignment._meta.verbose_name_plural): len(ids),
            str(Prospect._meta.verbose_name_plural): Prospect.objects.filter(assignment_id__in=ids).count(),
            str(CallNote._meta.verbose_name_plural): CallNote.objects.filter(assignment_id__in=ids).count(),
        }
        return [str(obj) for obj in objs], counts, set(), []

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
