"""The board's HR pages (R-HR-1): employees and applicants, their entries, reports and
documents, and hiring. Board members only; everyone else gets 404, the same as for a page
that does not exist (anonymous visitors are sent to the login). Every view is access-logged."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.audit.models import AccessAction
from apps.audit.services import access_log_bulk, access_log_record
from apps.core.access import (
    get_applicant_for_user,
    get_employee_for_user,
    get_hr_document_for_user,
    require_hr,
)
from apps.core.errors import ServiceError
from apps.core.private_files import private_path
from apps.hr import selectors, services
from apps.hr.forms import (
    ApplicantForm,
    DocumentForm,
    EmployeeEntryForm,
    EmployeeForm,
    HireForm,
    InterviewReportForm,
)
from apps.hr.models import Applicant, Employee


def board_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login first (anonymous: to the login page), then 404 for everyone but board members,
    before anything else, so that even the allowed methods of a page give nothing away."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_hr(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _form_page(request: HttpRequest, form: Any, title: str, back: str, *, files: bool = False) -> HttpResponse:
    return render(request, "hr/form.html", {"form": form, "title": title, "back": back, "files": files})


def _save(form: Any, call: Any) -> Any:
    """Run a service with the form's data; a refusal becomes a form error."""
    try:
        return call()
    except ServiceError as exc:
        form.add_error(None, exc)
        return None


# --- Employees ---------------------------------------------------------------------
@board_only
@require_GET
def employee_list(request: HttpRequest) -> HttpResponse:
    employees = list(selectors.employee_list(user=request.user))
    access_log_bulk(
        actor=request.user,
        action=AccessAction.LIST,
        model=Employee,
        object_ids=[e.pk for e in employees],
        request=request,
    )
    return render(request, "hr/employees.html", {"employees": employees})


@board_only
@require_http_methods(["GET", "POST"])
def employee_new(request: HttpRequest) -> HttpResponse:
    form = EmployeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        employee = _save(form, lambda: services.employee_create(actor=request.user, **form.cleaned_data))
        if employee is not None:
            messages.success(request, _("The employee file is saved."))
            return redirect("hr:employee", employee.pk)
    return _form_page(request, form, _("New employee"), "hr:employees")


@board_only
@require_GET
def employee_detail(request: HttpRequest, employee_id: str) -> HttpResponse:
    employee = get_employee_for_user(request.user, employee_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=employee, request=request)
    return render(
        request,
        "hr/employee.html",
        {"employee": employee, "entries": employee.entries.all(), "documents": employee.documents.all()},
    )


@board_only
@require_http_methods(["GET", "POST"])
def employee_edit(request: HttpRequest, employee_id: str) -> HttpResponse:
    employee = get_employee_for_user(request.user, employee_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=employee, request=request)
    # A second, scoped copy for the form: validation writes into its instance, not into `employee`.
    form = EmployeeForm(request.POST or None, instance=get_employee_for_user(request.user, employee_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(form, lambda: services.employee_update(employee=employee, actor=request.user, **data)):
            messages.success(request, _("The changes to the employee file are saved."))
            return redirect("hr:employee", employee.pk)
    return _form_page(request, form, _("Edit employee"), "hr:employees")


@board_only
@require_http_methods(["GET", "POST"])
def employee_entry_new(request: HttpRequest, employee_id: str) -> HttpResponse:
    employee = get_employee_for_user(request.user, employee_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=employee, request=request)
    form = EmployeeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.employee_entry_create(employee=employee, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The entry is added to the employee file."))
        return redirect("hr:employee", employee.pk)
    return _form_page(request, form, _("New entry"), "hr:employees")


@board_only
@require_http_methods(["GET", "POST"])
def employee_document_new(request: HttpRequest, employee_id: str) -> HttpResponse:
    employee = get_employee_for_user(request.user, employee_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=employee, request=request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.hr_document_create(upload=form.cleaned_data["file"], employee=employee, actor=request.user)
        messages.success(request, _("The document is added to the employee file."))
        return redirect("hr:employee", employee.pk)
    return _form_page(request, form, _("Add a document"), "hr:employees", files=True)


# --- Applicants --------------------------------------------------------------------
@board_only
@require_GET
def applicant_list(request: HttpRequest) -> HttpResponse:
    applicants = list(selectors.applicant_list(user=request.user))
    access_log_bulk(
        actor=request.user,
        action=AccessAction.LIST,
        model=Applicant,
        object_ids=[a.pk for a in applicants],
        request=request,
    )
    return render(request, "hr/applicants.html", {"applicants": applicants})


@board_only
@require_http_methods(["GET", "POST"])
def applicant_new(request: HttpRequest) -> HttpResponse:
    form = ApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        applicant = _save(form, lambda: services.applicant_create(actor=request.user, **form.cleaned_data))
        if applicant is not None:
            messages.success(request, _("The applicant is saved."))
            return redirect("hr:applicant", applicant.pk)
    return _form_page(request, form, _("New applicant"), "hr:applicants")


@board_only
@require_GET
def applicant_detail(request: HttpRequest, applicant_id: str) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, applicant_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=applicant, request=request)
    return render(
        request,
        "hr/applicant.html",
        {"applicant": applicant, "reports": applicant.reports.all(), "documents": applicant.documents.all()},
    )


@board_only
@require_http_methods(["GET", "POST"])
def applicant_edit(request: HttpRequest, applicant_id: str) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, applicant_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=applicant, request=request)
    # A second, scoped copy for the form: validation writes into its instance, not into `applicant`.
    form = ApplicantForm(request.POST or None, instance=get_applicant_for_user(request.user, applicant_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save(form, lambda: services.applicant_update(applicant=applicant, actor=request.user, **data)):
            messages.success(request, _("The changes to the applicant are saved."))
            return redirect("hr:applicant", applicant.pk)
    return _form_page(request, form, _("Edit applicant"), "hr:applicants")


@board_only
@require_http_methods(["GET", "POST"])
def applicant_report_new(request: HttpRequest, applicant_id: str) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, applicant_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=applicant, request=request)
    form = InterviewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.interview_report_create(applicant=applicant, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The interview report is saved."))
        return redirect("hr:applicant", applicant.pk)
    return _form_page(request, form, _("New interview report"), "hr:applicants")


@board_only
@require_http_methods(["GET", "POST"])
def applicant_document_new(request: HttpRequest, applicant_id: str) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, applicant_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=applicant, request=request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.hr_document_create(upload=form.cleaned_data["file"], applicant=applicant, actor=request.user)
        messages.success(request, _("The document is added to the applicant's file."))
        return redirect("hr:applicant", applicant.pk)
    return _form_page(request, form, _("Add a document"), "hr:applicants", files=True)


@board_only
@require_http_methods(["GET", "POST"])
def applicant_hire_view(request: HttpRequest, applicant_id: str) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, applicant_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=applicant, request=request)
    form = HireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        employee = _save(
            form,
            lambda: services.applicant_hire(
                applicant=applicant, start_date=form.cleaned_data["start_date"], actor=request.user
            ),
        )
        if employee is not None:
            messages.success(request, _("The applicant is hired: their employee file is open."))
            return redirect("hr:employee", employee.pk)
    return _form_page(request, form, _("Hire applicant"), "hr:applicants")


# --- Deleting a file before its term ---------------------------------------------------
def _delete_page(request: HttpRequest, record: Any, kind: str, warning: str, back: str) -> HttpResponse:
    return render(request, "hr/delete.html", {"record": record, "kind": kind, "warning": warning, "back": back})


@board_only
@require_http_methods(["GET", "POST"])
def employee_delete_view(request: HttpRequest, employee_id: str) -> HttpResponse:
    employee = get_employee_for_user(request.user, employee_id)
    if request.method == "POST":
        services.employee_delete(employee=employee, actor=request.user)
        messages.success(request, _("The employee file is deleted, with its entries and documents."))
        return redirect("hr:employees")
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=employee, request=request)
    warning = _(
        "Employee files are kept until 5 years after leaving. Delete one earlier only when the board has "
        "decided so, for instance on an erasure request, and no legal duty to keep it (payroll, tax) applies."
    )
    return _delete_page(request, employee, _("employee file"), warning, reverse("hr:employee", args=[employee.pk]))


@board_only
@require_http_methods(["GET", "POST"])
def applicant_delete_view(request: HttpRequest, applicant_id: str) -> HttpResponse:
    applicant = get_applicant_for_user(request.user, applicant_id)
    if request.method == "POST":
        services.applicant_delete(applicant=applicant, actor=request.user)
        messages.success(request, _("The applicant is deleted, with the interview reports and documents."))
        return redirect("hr:applicants")
    access_log_record(actor=request.user, action=AccessAction.VIEW, obj=applicant, request=request)
    warning = _(
        "Applicants are deleted automatically 1 year after rejection. Delete one now when they withdraw or "
        "ask for erasure."
    )
    return _delete_page(request, applicant, _("application"), warning, reverse("hr:applicant", args=[applicant.pk]))


# --- Documents ---------------------------------------------------------------------
@board_only
@require_GET
def document_download(request: HttpRequest, document_id: str) -> FileResponse:
    """A stored document, as an attachment, for board members only (never a media URL)."""
    document = get_hr_document_for_user(request.user, document_id)
    path = private_path(document.file_path)
    if not path.is_file():
        raise Http404
    access_log_record(actor=request.user, action=AccessAction.DOWNLOAD, obj=document, request=request)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=document.original_name)
