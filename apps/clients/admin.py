from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.clients.models import Client, ClientContact
from apps.clients.services import client_contacts_delete, client_delete
from apps.core.admin import ScopedModelAdmin
from apps.core.admin_site import admin_site


@admin.register(Client, site=admin_site)
class ClientAdmin(ScopedModelAdmin):
    list_display = ["name", "kvk_number", "created_at"]
    search_fields = ["name", "kvk_number"]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list[str], dict[str, int], set, list]:
        """The client's assignments go the way R-EXP-3 says (the service owns the cascade)."""
        from apps.assignments.models import Assignment

        ids = [obj.pk for obj in objs]
        counts = {
            str(Client._meta.verbose_name_plural): len(ids),
            str(Assignment._meta.verbose_name_plural): Assignment.objects.filter(client_id__in=ids).count(),
        }
        return [str(obj) for obj in objs], counts, set(), []

    def delete_model(self, request: HttpRequest, obj: Client) -> None:
        client_delete(client=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for client in queryset:
            client_delete(client=client, actor=request.user)


@admin.register(ClientContact, site=admin_site)
class ClientContactAdmin(ScopedModelAdmin):
    personal_data = True
    list_display = ["last_name", "first_name", "job_title", "client"]
    list_select_related = ["client"]
    list_filter = ["client"]
    search_fields = ["last_name", "first_name", "email", "client__name"]
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

    # The one deletion path of client contacts, ledgered (R-DEL-2).
    def delete_model(self, request: HttpRequest, obj: ClientContact) -> None:
        client_contacts_delete(contact_ids=[obj.pk], actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        client_contacts_delete(contact_ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
