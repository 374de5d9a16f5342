from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.callnotes.models import CallNote
from apps.core.admin import AssignmentListFilter, ScopedModelAdmin
from apps.core.admin_site import admin_site


@admin.register(CallNote, site=admin_site)
class CallNoteAdmin(ScopedModelAdmin):
    """Notes are evidence of the service: viewable, never changed or deleted (R-NOTE-3).
    Sorting by company, result and date only; no search on the text (R-NOTE-1)."""

    personal_data = True
    change_roles = frozenset()
    add_roles = frozenset()
    delete_roles = frozenset()
    list_display = ["created_at", "company_name", "result_label", "agent", "assignment"]
    list_select_related = ["company", "result", "agent", "assignment"]
    sortable_by = ["created_at", "company_name", "result_label"]
    list_filter = [AssignmentListFilter]
    # The company's name only: the note's text is never searched (R-NOTE-1).
    search_fields = ["company__name"]
    ordering = ["-created_at"]
    fields = ["assignment", "company", "agent", "result", "created_at", "text"]

    @admin.display(description=_("company"), ordering="company__name")
    def company_name(self, note: CallNote) -> str:
        return note.company.name

    @admin.display(description=_("result"), ordering="result__label")
    def result_label(self, note: CallNote) -> str:
        return note.result.label
