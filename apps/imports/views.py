"""The client portal (SPEC §5): an assignment's agreement, upload with mapping and progress,
the database with edit and delete, the download, and deleting the whole assignment.

Open to whoever may supervise the assignment (its client's users, its supervisors,
administrators); everyone else gets 404 (R-NTK-1).
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.assignments.services import assignment_delete, processor_agreement_accept
from apps.audit.models import AccessAction
from apps.audit.selectors import access_rows, prospect_access_history
from apps.audit.services import access_log_shown
from apps.core.access import (
    AssignmentPerm,
    get_assignment_for_user,
    get_assignment_to_download,
    get_import_for_user,
    get_prospect_to_manage,
    may_download,
)
from apps.core.errors import ServiceError
from apps.core.net import client_ip
from apps.imports import selectors
from apps.imports.api import export_response
from apps.imports.forms import (
    ConfirmDeleteForm,
    ExtraForm,
    MappingForm,
    PersonForm,
    ProspectFilterForm,
    SheetForm,
    UploadForm,
)
from apps.imports.mapping import FIELDS
from apps.imports.models import ImportStatus
from apps.imports.records import prospect_record_update, to_verify_message
from apps.imports.services import (
    import_job_choose_sheet,
    import_job_confirm,
    import_job_create,
    import_job_retry,
    import_progress,
)
from apps.privacy.selectors import consent_records_of
from apps.prospects.forms import CompanyForm
from apps.prospects.models import Person, Prospect
from apps.prospects.services import prospect_delete

PAGE_SIZE = 50


def _manage(request: HttpRequest, assignment_id: str):  # type: ignore[no-untyped-def]
    return get_assignment_for_user(request.user, assignment_id, perm=AssignmentPerm.SUPERVISE)


@require_GET
@login_required
def assignment_portal(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment = _manage(request, assignment_id)
    counts = assignment.prospects.aggregate(prospects=Count("id"), persons=Count("person_links"))
    return render(
        request,
        "imports/assignment.html",
        {
            "assignment": assignment,
            "agreement": getattr(assignment, "processor_agreement", None),
            "imports": selectors.import_list(assignment=assignment),
            "counts": counts,
            "can_download": may_download(request.user, assignment),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def agreement(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """The processor agreement to read and accept (policy §5): who, when, from where, which version."""
    assignment = _manage(request, assignment_id)
    if request.method == "POST":
        try:
            processor_agreement_accept(assignment=assignment, actor=request.user, ip_address=client_ip(request))
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("You accepted the processor agreement."))
        return redirect("portal:agreement", assignment.pk)
    return render(
        request,
        "imports/agreement.html",
        {"assignment": assignment, "agreement": getattr(assignment, "processor_agreement", None)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment = _manage(request, assignment_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            job = import_job_create(assignment=assignment, actor=request.user, upload=file, filename=file.name)
        except ServiceError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("portal:import", job.pk)
    return render(request, "imports/upload.html", {"assignment": assignment, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def import_detail(request: HttpRequest, import_id: str) -> HttpResponse:
    """The check of the file, then the mapping step, then live progress (htmx polls the
    #status partial while the worker checks or imports), then the report."""
    job = get_import_for_user(request.user, import_id)
    form = sheet_form = None
    if job.status == ImportStatus.MAPPING and len((job.layout or {}).get("sheets", [])) > 1:
        choosing = request.method == "POST" and "sheet" in request.POST
        sheet_form = SheetForm(
            request.POST if choosing else None, sheets=job.layout["sheets"], current=job.layout.get("sheet", "")
        )
        if choosing:
            if sheet_form.is_valid():
                try:
                    import_job_choose_sheet(job=job, actor=request.user, sheet=sheet_form.cleaned_data["sheet"])
                except ServiceError as exc:
                    messages.error(request, " ".join(exc.messages))
            else:
                messages.error(request, _("The workbook has no sheet with data of that name."))
            return redirect("portal:import", job.pk)
    if job.status == ImportStatus.MAPPING:
        form = MappingForm(
            request.POST or None, headers=job.headers, initial_mapping=job.detected_mapping, prefix="column"
        )
        if request.method == "POST" and form.is_valid():
            try:
                import_job_confirm(job=job, actor=request.user, mapping=form.mapping())
            except ServiceError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("portal:import", job.pk)
        if request.htmx:
            # The check has just finished: the whole page, now with the mapping form.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
    elif request.method == "POST":
        return redirect("portal:import", job.pk)
    context = {
        "job": job,
        "assignment": job.assignment,
        "form": form,
        "sheet_form": sheet_form,
        "progress": import_progress(job),
        "polling": job.status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING),
        "fields": FIELDS,
    }
    template = "imports/import.html#status" if request.htmx else "imports/import.html"
    return render(request, template, context)


@require_POST
@login_required
def import_retry(request: HttpRequest, import_id: str) -> HttpResponse:
    """One click after a failure (R-JOB-1): the same job again while its file is kept, else
    the upload page with the reason."""
    job = get_import_for_user(request.user, import_id)
    try:
        import_job_retry(job=job, actor=request.user)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
        if job.status == ImportStatus.FAILED:
            return redirect("portal:upload", job.assignment_id)
    return redirect("portal:import", job.pk)


@require_GET
@login_required
def import_report(request: HttpRequest, import_id: str) -> HttpResponse:
    """The report as CSV: counts, then one line per row error (row number and reason)."""
    job = get_import_for_user(request.user, import_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for label, value in (
        (_("Rows read"), job.rows_read),
        (_("Rows rejected"), job.rows_rejected),
        (_("New companies"), job.companies_new),
        (_("Matched companies"), job.companies_matched),
        (_("New persons"), job.persons_new),
        (_("Matched persons"), job.persons_matched),
        (_("Persons with differences to verify"), job.persons_conflicting),
        (_("Persons skipped (suppression list)"), job.persons_suppressed),
    ):
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow([_("Row"), _("Reason")])
    for number, reason in job.row_errors:
        writer.writerow([number, reason])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-report-{str(job.pk)[:8]}.csv"'
    return response


@require_GET
@login_required
def database(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """The database: paginated, sortable, filterable by status and last result."""
    assignment = _manage(request, assignment_id)
    results = [(r.code, r.label) for r in assignment.results.all()]
    filters = ProspectFilterForm(request.GET or None, results=results)
    values = filters.cleaned_data if filters.is_valid() else {}
    ordering = values.get("ordering", "") or "company"
    prospects = selectors.prospect_list(
        assignment=assignment,
        user=request.user,
        status=values.get("status", ""),
        result=values.get("result", ""),
        ordering=ordering,
    )
    page = Paginator(prospects, PAGE_SIZE).get_page(request.GET.get("page"))
    for prospect in page.object_list:
        prospect.extra_values = [prospect.extra.get(c, "") for c in assignment.extra_columns]
    access_log_shown(  # the prospects and the persons the page shows (R-LOG-1)
        actor=request.user,
        action=AccessAction.LIST,
        shown={
            Prospect: [p.pk for p in page.object_list],
            Person: [person.pk for p in page.object_list for person in p.persons.all()],
        },
        assignment_id=assignment.pk,
        request=request,
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("ordering", None)
    return render(
        request,
        "imports/database.html",
        {
            "assignment": assignment,
            "page": page,
            "filters": filters,
            "ordering": ordering,
            "query": query.urlencode(),
            "extra_columns": assignment.extra_columns,
            "can_download": may_download(request.user, assignment),  # clients only (policy §3)
            "sorts": [
                ("company", _("Company")),
                ("city", _("City")),
                ("status", _("Status")),
                ("result", _("Last result")),
                ("called", _("Last called at")),
            ],  # fmt: skip
        },
    )


@require_GET
@login_required
def export(request: HttpRequest, assignment_id: str, file_format: str) -> HttpResponse:
    assignment = get_assignment_to_download(request.user, assignment_id)
    from django.http import Http404
    from rest_framework.exceptions import NotFound

    try:
        return export_response(request, assignment, file_format)
    except NotFound as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
@login_required
def prospect_edit(request: HttpRequest, prospect_id: str) -> HttpResponse:
    prospect = get_prospect_to_manage(request.user, prospect_id)
    prospect = selectors.prospect_with_persons(prospect.pk)
    company = prospect.company
    data = request.POST if request.method == "POST" else None
    company_form = CompanyForm(
        data, prefix="company", initial={f: getattr(company, f) for f in CompanyForm.base_fields}
    )
    persons = list(prospect.persons.all())
    # The proof of consent (R-CON-1) given in this client's own assignments, per person.
    proofs = consent_records_of(person_ids=[p.pk for p in persons], client_id=prospect.assignment.client_id)
    for p in persons:
        p.consent_proofs = proofs.get(p.pk, [])
    person_forms = [
        (p, PersonForm(data, prefix=f"person-{p.pk}", initial={f: getattr(p, f) for f in PersonForm.base_fields}))
        for p in persons
    ]
    extra_form = ExtraForm(
        data,
        prefix="extra",
        columns=list(prospect.assignment.extra_columns),
        initial={f"c{i}": prospect.extra.get(c, "") for i, c in enumerate(prospect.assignment.extra_columns)},
    )
    forms_ok = company_form.is_valid() & extra_form.is_valid() & all([f.is_valid() for _p, f in person_forms])
    if request.method == "POST" and forms_ok:
        try:
            prospect_record_update(
                prospect=prospect,
                actor=request.user,
                company=company_form.cleaned_data,
                persons=[{"id": p.pk, **f.cleaned_data} for p, f in person_forms],
                extra=extra_form.values(),
            )
        except ServiceError as exc:
            company_form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The record has been saved."))
            if to_verify := getattr(prospect.company, "to_verify", None):
                messages.info(request, to_verify_message(to_verify))
            return redirect(reverse("portal:database", args=[prospect.assignment_id]))
    access_log_shown(
        actor=request.user,
        action=AccessAction.VIEW,
        shown={Prospect: [prospect.pk], Person: [p.pk for p in persons]},
        assignment_id=prospect.assignment_id,
        request=request,
    )
    return render(
        request,
        "imports/prospect_edit.html",
        {
            "prospect": prospect,
            "assignment": prospect.assignment,
            "company_form": company_form,
            "person_forms": person_forms,
            "extra_form": extra_form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def prospect_remove(request: HttpRequest, prospect_id: str) -> HttpResponse:
    prospect = get_prospect_to_manage(request.user, prospect_id)
    if request.method == "POST":
        assignment_id = prospect.assignment_id
        prospect_delete(prospect=prospect, actor=request.user)
        messages.success(request, _("The record has been deleted."))
        return redirect("portal:database", assignment_id)
    return render(
        request,
        "imports/prospect_delete.html",
        {"prospect": prospect, "assignment": prospect.assignment, "person_count": prospect.persons.count()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def assignment_remove(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """Delete the whole assignment (R-EXP-3), after a confirmation that says what goes."""
    assignment = _manage(request, assignment_id)
    form = ConfirmDeleteForm(request.POST or None, expected=assignment.name)
    if request.method == "POST" and form.is_valid():
        assignment_delete(assignment=assignment, actor=request.user)
        messages.success(request, _("The assignment and its database have been deleted."))
        return redirect("accounts:home")
    counts = {
        "prospects": assignment.prospects.count(),
        "notes": assignment.call_notes.count(),
        "persons": assignment.prospects.aggregate(n=Count("person_links__person", distinct=True))["n"],
    }
    return render(request, "imports/assignment_delete.html", {"assignment": assignment, "form": form, "counts": counts})


@require_GET
@login_required
def prospect_access(request: HttpRequest, prospect_id: str) -> HttpResponse:
    """Who consulted this record and its persons, when, through what (R-LOG-1, policy §3):
    for whoever holds the database (the client as controller, its supervisors,
    administrators). Ids and roles only; no IP addresses (those are for the privacy office)."""
    prospect = get_prospect_to_manage(request.user, prospect_id)
    access_log_shown(  # first: the page then counts and lists its own consultation consistently
        actor=request.user,
        action=AccessAction.VIEW,
        shown={Prospect: [prospect.pk]},
        assignment_id=prospect.assignment_id,
        request=request,
    )
    page = Paginator(prospect_access_history(prospect=prospect), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/prospect_access.html",
        {
            "prospect": prospect,
            "assignment": prospect.assignment,
            "page": page,
            "rows": access_rows(page.object_list, with_ip=False),
        },
    )
