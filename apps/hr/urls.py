from django.urls import path

from apps.hr import views

app_name = "hr"
urlpatterns = [
    path("employees/", views.employee_list, name="employees"),
    path("employees/new/", views.employee_new, name="employee-create"),
    path("employees/<uuid:employee_id>/", views.employee_detail, name="employee"),
    path("employees/<uuid:employee_id>/edit/", views.employee_edit, name="employee-edit"),
    path("employees/<uuid:employee_id>/delete/", views.employee_delete_view, name="employee-delete"),
    path("employees/<uuid:employee_id>/entries/new/", views.employee_entry_new, name="employee-entry-create"),
    path("employees/<uuid:employee_id>/documents/new/", views.employee_document_new, name="employee-document-create"),
    path("applicants/", views.applicant_list, name="applicants"),
    path("applicants/new/", views.applicant_new, name="applicant-create"),
    path("applicants/<uuid:applicant_id>/", views.applicant_detail, name="applicant"),
    path("applicants/<uuid:applicant_id>/edit/", views.applicant_edit, name="applicant-edit"),
    path("applicants/<uuid:applicant_id>/delete/", views.applicant_delete_view, name="applicant-delete"),
    path("applicants/<uuid:applicant_id>/reports/new/", views.applicant_report_new, name="applicant-report-create"),
    path(
        "applicants/<uuid:applicant_id>/documents/new/", views.applicant_document_new, name="applicant-document-create"
    ),
    path("applicants/<uuid:applicant_id>/hire/", views.applicant_hire_view, name="applicant-hire"),
    path("documents/<uuid:document_id>/", views.document_download, name="document"),
]
