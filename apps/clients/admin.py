from django.contrib import admin

from apps.clients.models import Client, ClientContact
from apps.core.admin import ScopedModelAdmin
from apps.core.admin_site import admin_site


@admin.register(Client, site=admin_site)
class ClientAdmin(ScopedModelAdmin):
    list_display = ["name", "kvk_number", "created_at"]
    search_fields = ["name"]


@admin.register(ClientContact, site=admin_site)
class ClientContactAdmin(ScopedModelAdmin):
    personal_data = True
    list_display = ["last_name", "first_name", "job_title", "client"]
    list_select_related = ["client"]
    list_filter = ["client"]
    fields = [
        "client",
        "first_name",
        "last_name",
        "job_title",
        "email",
        "phone",
        "social_accounts",
        "notes",
        "legal_basis",
    ]
