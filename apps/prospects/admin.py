"""Read-only views of the client databases for administrators and supervisors.

Edits go through the services of the pages and API (verification, deletion guarantees),
not through raw admin forms.
"""

from django.contrib import admin

from apps.core.admin import ScopedModelAdmin
from apps.core.admin_site import admin_site
from apps.prospects.models import Company, Person, Prospect


class ReadOnlyAdmin(ScopedModelAdmin):
    change_roles = frozenset()
    add_roles = frozenset()
    delete_roles = frozenset()


@admin.register(Company, site=admin_site)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kvk_number", "city", "status", "verified_at"]
    search_fields = ["name", "kvk_number"]
    list_filter = ["status"]


@admin.register(Person, site=admin_site)
class PersonAdmin(ReadOnlyAdmin):
    personal_data = True
    list_display = ["last_name", "tussenvoegsel", "first_name", "job_title", "company", "client", "verified_at"]
    list_select_related = ["company", "client"]
    exclude = []


@admin.register(Prospect, site=admin_site)
class ProspectAdmin(ReadOnlyAdmin):
    personal_data = True
    list_display = ["company", "assignment", "status", "last_result", "last_called_at"]
    list_select_related = ["company", "assignment", "last_result"]
    list_filter = ["status"]
    exclude = ["persons"]
