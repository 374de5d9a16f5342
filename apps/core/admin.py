"""The base of every admin page: the same scoping as pages and API, plus access logging."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record
from apps.core.admin_site import works_in_admin


class _DeclaredOrderingChangeList(ChangeList):
    """Sorting only by the columns the admin declares sortable: `sortable_by` alone only
    hides the other headers, while `?o=3` would still sort by them."""

    def get_ordering_field(self, field_name):  # type: ignore[no-untyped-def]
        sortable = self.model_admin.sortable_by
        if sortable is not None and field_name not in sortable:
            return None
        return super().get_ordering_field(field_name)


class AssignmentListFilter(admin.SimpleListFilter):
    """Filter by assignment, offering only the assignments the user may see (a plain
    foreign-key filter would list every client's assignments: R-NTK-1). A value outside
    them shows nothing, the same as an assignment without rows."""

    title = _("assignment")
    parameter_name = "assignment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from apps.assignments.models import Assignment

        visible = Assignment.objects.visible_to(request.user).select_related("client").order_by("client__name", "name")
        return [(str(a.pk), f"{a.client.name} – {a.name}") for a in visible]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if not value:
            return queryset
        if value not in {key for key, _label in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(assignment_id=value)


class ScopedModelAdmin(admin.ModelAdmin):
    """Lists and objects come from `visible_to(user)`, so a supervisor's admin shows only
    their own assignments and what hangs off them. An object outside that scope gets
    Django's "does not exist" answer, the same as a missing id (R-NTK-1).

    `personal_data = True` logs every change view and every list page (R-LOG-1).
    """

    personal_data = False
    # Which roles may change, add or delete; subclasses widen or narrow this.
    change_roles: frozenset[str] = frozenset({Role.ADMINISTRATOR})
    add_roles: frozenset[str] = frozenset({Role.ADMINISTRATOR})
    delete_roles: frozenset[str] = frozenset({Role.ADMINISTRATOR})

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).visible_to(request.user)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _DeclaredOrderingChangeList

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """Only the declared filters. Django would otherwise accept any lookup in the URL
        (`?text__icontains=` on notes, `?call_notes__isnull=` across tenants), which is a
        search on note text (R-NOTE-1) and a probe into other clients' data (R-NTK-1)."""
        declared = {f for f in self.list_filter if isinstance(f, str)}
        if self.date_hierarchy:
            declared.add(self.date_hierarchy)
        # A filter class of our own (AssignmentListFilter) reads its one parameter itself.
        own = {f.parameter_name for f in self.list_filter if isinstance(f, type) and issubclass(f, SimpleListFilter)}
        if lookup in own:
            return True
        parts = lookup.split("__")
        if parts[0] not in declared:
            return False
        allowed_tails = {(), ("exact",), ("id", "exact"), ("isnull",), ("day",), ("month",), ("year",)}
        return tuple(parts[1:]) in allowed_tails and super().lookup_allowed(lookup, value, request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return works_in_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return works_in_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return works_in_admin(request.user) and request.user.role in self.change_roles

    def has_add_permission(self, request: HttpRequest) -> bool:
        return works_in_admin(request.user) and request.user.role in self.add_roles

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return works_in_admin(request.user) and request.user.role in self.delete_roles

    def assignment_id_of(self, obj: Any) -> Any:
        return getattr(obj, "assignment_id", None)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.personal_data and request.method == "GET" and response.status_code == 200:
            obj = response.context_data["original"]  # type: ignore[attr-defined]
            access_log_record(
                actor=request.user,
                action=AccessAction.ADMIN_VIEW,
                obj=obj,
                assignment_id=self.assignment_id_of(obj),
                request=request,
            )
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if self.personal_data and changelist is not None:
            access_log_bulk(
                actor=request.user,
                action=AccessAction.LIST,
                model=self.model,
                object_ids=[obj.pk for obj in changelist.result_list],
                request=request,
            )
        return response


class AdministratorsReadOnlyAdmin(admin.ModelAdmin):
    """A record kept for the record's sake (logs, job runs): administrators read it, nobody
    adds, changes or deletes it through the admin."""

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
