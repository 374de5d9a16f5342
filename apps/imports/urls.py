from django.urls import path

from apps.imports import views

app_name = "portal"
urlpatterns = [
    path("assignments/<uuid:assignment_id>/", views.assignment_portal, name="assignment"),
    path("assignments/<uuid:assignment_id>/agreement/", views.agreement, name="agreement"),
    path(
        "assignments/<uuid:assignment_id>/agreement/acceptances/<uuid:acceptance_id>/",
        views.agreement_acceptance,
        name="agreement-acceptance",
    ),
    path("assignments/<uuid:assignment_id>/upload/", views.upload, name="upload"),
    path("assignments/<uuid:assignment_id>/database/", views.database, name="database"),
    path("assignments/<uuid:assignment_id>/download/<str:file_format>/", views.export, name="export"),
    path("assignments/<uuid:assignment_id>/delete/", views.assignment_remove, name="assignment-delete"),
    path("imports/<uuid:import_id>/", views.import_detail, name="import"),
    path("imports/<uuid:import_id>/retry/", views.import_retry, name="import-retry"),
    path("imports/<uuid:import_id>/report/", views.import_report, name="import-report"),
    path("imports/<uuid:import_id>/remarks/", views.import_issues, name="import-issues"),
    path("prospects/<uuid:prospect_id>/edit/", views.prospect_edit, name="prospect-edit"),
    path("prospects/<uuid:prospect_id>/delete/", views.prospect_remove, name="prospect-delete"),
    path("prospects/<uuid:prospect_id>/access/", views.prospect_access, name="prospect-access"),
    path(
        "prospects/<uuid:prospect_id>/differences/<str:token>/",
        views.difference_resolve,
        name="difference-resolve",
    ),
]
