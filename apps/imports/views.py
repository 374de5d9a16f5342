"""The client portal (SPEC §5): an assignment's agreement, upload with mapping and progress,
the database with edit and delete, the download, and deleting the whole assignment.

Open to whoever may supervise the assignment (its client's users, its supervisors,
administrators); everyone else gets 404 (R-NTK-1).
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.assignments.models import ProcessorAgreementAcceptance
from apps.assignments.services import (
    assignment_delete,
    processor_agreement_accept,
    processor_agreement_html,
    processor_agreement_render,
    processor_agreement_sha256,
)
from apps.audit.models import AccessAction
from apps.audit.selectors import access_rows, prospect_access_history
from apps.audit.services import access_log_record, access_log_shown
from apps.core.access import (
    AssignmentPerm,
    get_assignment_for_user,
    get_assignment_to_download,
    get_import_for_user,
    get_import_to_download,
    get_prospect_to_manage,
    may_download,
)
from apps.core.errors import ServiceError
from apps.core.net import client_ip
from apps.imports import mapping as mapping_rules
from apps.imports import pipeline, selectors
from apps.imports.api import export_response
from apps.imports.differences import (
    difference_accept,
    difference_by_token,
    difference_reject,
    difference_rows,
    record_differences,
)
from apps.imports.forms import (
    ConfirmDeleteForm,
    DifferenceDecisionForm,
    ExtraForm,
    MappingForm,
    PersonForm,
    ProspectFilterForm,
    SheetForm,
    UploadForm,
)
from apps.imports.mapping import FIELDS
from apps.imports.models import ImportJob, ImportStatus
from apps.imports.records import prospect_record_update, to_verify_message
from apps.imports.services import (
    import_job_choose_sheet,
    import_job_confirm,
    import_job_create,
    import_job_retry,
    import_progress,
    import_samples,
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
    # Distinct: the join with the person links repeats a prospect once per person.
    counts = assignment.prospects.aggregate(
        prospects=Count("id", distinct=True), persons=Count("person_links__person", distinct=True)
    )
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
    """The processor agreement to read and accept (policy §5; issue 14 #7): the version in
    force to accept, and every acceptance with the exact text that was accepted."""
    assignment = _manage(request, assignment_id)
    if request.method == "POST":
        try:
            processor_agreement_accept(
                assignment=assignment,
                actor=request.user,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                shown_sha256=request.POST.get("sha256") or None,
            )
        except ServiceError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("You accepted the processor agreement."))
        return redirect("portal:agreement", assignment.pk)
    agreement = getattr(assignment, "processor_agreement", None)
    acceptances = list(agreement.acceptances.select_related("accepted_by")) if agreement else []
    current = acceptances[0] if agreement and agreement.is_current and acceptances else None
    text = current.text if current else processor_agreement_render(assignment=assignment)
    return render(
        request,
        "imports/agreement.html",
        {
            "assignment": assignment,
            "agreement": agreement,
            "version": current.text_version if current else settings.PROCESSOR_AGREEMENT_VERSION,
            "current": current,
            "text": processor_agreement_html(text),
            "sha256": processor_agreement_sha256(text),
            "acceptances": acceptances,
        },
    )


@require_GET
@login_required
def agreement_acceptance(request: HttpRequest, assignment_id: str, acceptance_id: str) -> HttpResponse:
    """One acceptance shown back exactly as it was accepted: its text, hash, who, when."""
    assignment = _manage(request, assignment_id)
    acceptance = get_object_or_404(
        ProcessorAgreementAcceptance.objects.select_related("accepted_by"),
        pk=acceptance_id,
        agreement__assignment=assignment,
    )
    return render(
        request,
        "imports/agreement_acceptance.html",
        {"assignment": assignment, "acceptance": acceptance, "text": processor_agreement_html(acceptance.text)},
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
    issues = list(selectors.import_issues(job=job)) if job.status == ImportStatus.DONE else []
    context = {
        "job": job,
        "assignment": job.assignment,
        "form": form,
        "mapping_rows": _mapping_rows(job, form) if form is not None else [],
        "needed": mapping_rules.NEEDED,
        "issues": issues,
        "issues_more": max(0, (job.issues_total or len(job.row_errors)) - len(issues)),
        "merge_lines": selectors.import_merge_lines(job=job),
        "can_download": may_download(request.user, job.assignment),
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
    """The report as CSV: counts and merges, then the first remarks (row, column, reason),
    and how many more the whole list (`import_issues`, the client's download) holds."""
    job = get_import_for_user(request.user, import_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for label, value in (
        (_("Rows read"), job.rows_read),
        (_("Rows rejected"), job.rows_rejected),
        (_("Values left out"), job.values_dropped),
        (_("New companies"), job.companies_new),
        (_("Matched companies"), job.companies_matched),
        (_("New persons"), job.persons_new),
        (_("Matched persons"), job.persons_matched),
        (_("Persons with differences to verify"), job.persons_conflicting),
        (_("Persons skipped (suppression list)"), job.persons_suppressed),
    ):
        writer.writerow([label, value])
    for line in selectors.import_merge_lines(job=job):
        writer.writerow([line])
    writer.writerow([])
    writer.writerow([_("Row"), _("Column"), _("Remark"), _("Reason")])
    shown = 0
    for issue in selectors.import_issues(job=job, limit=pipeline.ROW_ERRORS_SHOWN):
        writer.writerow([issue.row_number, issue.column, issue.kind, issue.reason])
        shown += 1
    if (more := max(0, (job.issues_total or len(job.row_errors)) - shown)) > 0:
        writer.writerow([_("… and %(count)d more (download the whole list)") % {"count": more}])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-report-{str(job.pk)[:8]}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def import_issues(request: HttpRequest, import_id: str) -> HttpResponse:
    """Every remark of an import, however many (issue 12 #8), as CSV, streamed: for the
    client's users only, like every download (policy §3). Row numbers, columns and reasons;
    no value of the file (R-DEL-1)."""
    job = get_import_to_download(request.user, import_id)
    # Every download is logged (R-LOG-1), this one too though it holds no personal data.
    access_log_record(
        actor=request.user, action=AccessAction.DOWNLOAD, obj=job, assignment_id=job.assignment_id, request=request
    )
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():  # type: ignore[no-untyped-def]
        yield "\ufeff" + writer.writerow([_("Row"), _("Column"), _("Remark"), _("Reason")])
        for issue in selectors.import_issues(job=job, limit=None):
            yield writer.writerow([issue.row_number, issue.column, issue.kind, issue.reason])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-remarks-{str(job.pk)[:8]}.csv"'
    return response


def _mapping_rows(job: ImportJob, form: MappingForm) -> list[tuple[object, list[str]]]:
    """Each column's choice with up to three of its values from the file (issue 12 #9)."""
    samples = import_samples(job=job)
    return [(form[str(i)], samples.get(str(i), [])) for i in range(len(job.headers))]


@require_GET
@login_required
def database(request: HttpRequest, assignment_id: str) -> HttpResponse:
    """The database: paginated, sortable, filterable by status and last result."""
    assignment = _manage(request, assignment_id)
    all_results = list(assignment.results.all())
    results = [(r.code, r.label) for r in all_results]
    imports = [
        (str(job.pk), f"{date_format(timezone.localtime(job.created_at), 'SHORT_DATETIME_FORMAT')}")
        for job in selectors.import_list(assignment=assignment)
    ]
    filters = ProspectFilterForm(request.GET or None, results=results, imports=imports)
    values = filters.cleaned_data if filters.is_valid() else {}
    ordering = values.get("ordering", "") or "company"
    prospects = selectors.prospect_list(
        assignment=assignment,
        user=request.user,
        status=values.get("status", ""),
        result=values.get("result", ""),
        search=values.get("q", ""),
        import_id=values.get("upload") or None,
    )
    # Keyset pages (issue 16 #6): "after" / "before" is the id of the row a page continues
    # from, looked up within this list as the user sees it; anything else is the first page.
    after, before = _cursor(request.GET.get("after")), _cursor(request.GET.get("before"))
    result_ids = [(r.pk, r.label) for r in all_results]
    try:
        page = selectors.prospect_page(
            prospects, ordering=ordering, results=result_ids, after=after, before=None if after else before,
            size=PAGE_SIZE,
        )  # fmt: skip
    except Prospect.DoesNotExist:
        messages.info(request, _("That page of the list is no longer there; here is the first page."))
        page = selectors.prospect_page(prospects, ordering=ordering, results=result_ids, size=PAGE_SIZE)
    page.count = prospects.order_by().count()
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
    for parameter in ("page", "after", "before", "ordering"):
        query.pop(parameter, None)
    return render(
        request,
        "imports/database.html",
        {
            "assignment": assignment,
            # Where an edit returns to: this very page of the list (issue 12 #11).
            "back": _back_query(request.GET),
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


# The database page's own parameters: an edit returns to the same page of the same list.
_LIST_PARAMETERS = ("q", "status", "result", "upload", "ordering", "page", "after", "before")


def _cursor(value: str | None) -> uuid.UUID | None:
    """A page cursor: a prospect id, or None (the first page) for anything else."""
    try:
        return uuid.UUID(value) if value else None
    except (ValueError, TypeError, AttributeError):
        return None


def _back_query(params: Any) -> str:
    """The database page's query string from `params`, its own parameters only (never a URL:
    nothing else can be smuggled into the redirect)."""
    return urlencode([(k, params.get(k)) for k in _LIST_PARAMETERS if params.get(k) and len(params.get(k)) <= 100])


def _database_url(prospect: Prospect, back: str) -> str:
    return reverse("portal:database", args=[prospect.assignment_id]) + (f"?{back}" if back else "")


@require_http_methods(["GET", "POST"])
@login_required
def prospect_edit(request: HttpRequest, prospect_id: str) -> HttpResponse:
    prospect = get_prospect_to_manage(request.user, prospect_id)
    back = _back_query(QueryDict(request.GET.get("back", "")))
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
    # A restricted person (R-DSR-5, Art. 18) is shown by name with its marker, as the
    # download shows it, and gets no form: the record is kept, not processed.
    person_forms = [
        (
            p,
            None
            if p.restricted_at
            else PersonForm(data, prefix=f"person-{p.pk}", initial={f: getattr(p, f) for f in PersonForm.base_fields}),
        )
        for p in persons
    ]
    extra_form = ExtraForm(
        data,
        prefix="extra",
        columns=list(prospect.assignment.extra_columns),
        initial={f"c{i}": prospect.extra.get(c, "") for i, c in enumerate(prospect.assignment.extra_columns)},
    )
    person_forms_ok = all([f.is_valid() for _p, f in person_forms if f is not None])
    forms_ok = company_form.is_valid() & extra_form.is_valid() & person_forms_ok
    if request.method == "POST" and forms_ok:
        try:
            prospect_record_update(
                prospect=prospect,
                actor=request.user,
                company=company_form.cleaned_data,
                persons=[{"id": p.pk, **f.cleaned_data} for p, f in person_forms if f is not None],
                extra=extra_form.values(),
            )
        except ServiceError as exc:
            company_form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The record has been saved."))
            if to_verify := getattr(prospect.company, "to_verify", None):
                messages.info(request, to_verify_message(to_verify))
            return redirect(_database_url(prospect, back))
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
            "differences": difference_rows(record_differences(prospect), prospect=prospect, hide_flagged=False),
            "back": back,
            "database_url": _database_url(prospect, back),
        },
    )


@require_POST
@login_required
def difference_resolve(request: HttpRequest, prospect_id: str, token: str) -> HttpResponse:
    """Accept or reject one difference "to verify" of the record (R-IMP-3): the client's
    own values only (`differences.record_differences`); back to the record."""
    prospect = get_prospect_to_manage(request.user, prospect_id)
    difference = difference_by_token(record_differences(prospect), token)
    if difference is None:
        raise Http404
    form = DifferenceDecisionForm(request.POST)
    back = _back_query(QueryDict(request.GET.get("back", "")))
    target = reverse("portal:prospect-edit", args=[prospect.pk]) + (f"?{urlencode({'back': back})}" if back else "")
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject."))
        return redirect(target)
    try:
        if form.cleaned_data["decision"] == "reject":
            difference_reject(difference=difference, actor=request.user)
            messages.success(request, _("The current value is kept."))
        elif difference_accept(difference=difference, prospect=prospect, actor=request.user, by_agent=False):
            messages.success(request, _("Your value has been taken over."))
        else:
            messages.info(
                request,
                _("The current value was verified recently: our agents verify yours with the company first."),
            )
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(target)


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
