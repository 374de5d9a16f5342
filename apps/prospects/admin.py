"""Read-only views of the client databases for administrators and supervisors.

Edits go through the services of the pages and API (verification, deletion guarantees),
not through raw admin forms.
"""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin import AssignmentListFilter, ScopedModelAdmin
from apps.core.admin_site import admin_site
from apps.prospects.models import Company, Person, Prospect


class ReadOnlyAdmin(ScopedModelAdmin):
    change_roles = frozenset()
    add_roles = frozenset()
    delete_roles = frozenset()


@admin.register(Company, site=admin_site)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kvk_number", "city", "status", "verified_at"]
    search_fields = ["name", "kvk_number", "city"]
    list_filter = ["status"]


@admin.register(Person, site=admin_site)
class PersonAdmin(ReadOnlyAdmin):
    personal_data = True
    list_display = ["last_name", "tussenvoegsel", "first_name", "job_title", "company", "client", "verified_at"]
    list_select_related = ["company", "client"]
    search_fields = ["last_name", "first_name", "email", "company__name"]
    exclude = []


@admin.register(Prospect, site=admin_site)
class ProspectAdmin(ReadOnlyAdmin):
    personal_data = True
    list_display = ["company", "assignment", "status", "last_result", "last_called_at"]
    list_select_related = ["company", "assignment", "last_result"]
    list_filter = [AssignmentListFilter, "status"]
    search_fields = ["company__name", "company__kvk_number", "company__city"]
    exclude = ["persons", "extra"]
    readonly_fields = ["extra_table"]

    @admin.display(description=_("extra columns"))
    def extra_table(self, prospect: Prospect) -> str:
        """The client's own columns as a table, in the order of the upload's headers (not
        as JSON); every header and value escaped."""
        extra = prospect.extra or {}
        if not extra:
            return "–"
        headers = [h for h in prospect.assignment.extra_columns if h in extra]
        headers += [h for h in extra if h not in headers]
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", ((h, _cell(extra[h])) for h in headers))
        return format_html('<table class="extra-columns"><tbody>{}</tbody></table>', rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)
