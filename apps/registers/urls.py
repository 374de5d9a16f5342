from django.urls import path

from apps.registers import views

app_name = "registers"
urlpatterns = [
    path("subprocessors/", views.subprocessor_list, name="subprocessors"),
    path("subprocessors/new/", views.subprocessor_new, name="subprocessor-create"),
    path("subprocessors/<uuid:subprocessor_id>/", views.subprocessor_detail, name="subprocessor"),
    path("subprocessors/<uuid:subprocessor_id>/edit/", views.subprocessor_edit, name="subprocessor-edit"),
    path("subprocessors/<uuid:subprocessor_id>/agreements/new/", views.agreement_new, name="agreement-create"),
    path("agreements/<uuid:agreement_id>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<uuid:agreement_id>/document/", views.agreement_document, name="agreement-document"),
    path("breaches/", views.breach_list, name="breaches"),
    path("breaches/new/", views.breach_new, name="breach-create"),
    path("breaches/<uuid:breach_id>/", views.breach_detail, name="breach"),
    path("breaches/<uuid:breach_id>/edit/", views.breach_edit, name="breach-edit"),
    path(
        "breaches/<uuid:breach_id>/clients/<uuid:notice_id>/",
        views.breach_client_notice,
        name="breach-client-notice",
    ),
    path("suppression/", views.suppression, name="suppression"),
    path("erasures/", views.erasure_ledger, name="erasures"),
]
