"""Rows of the HR files (issue 7, R-HR-1): board members only; everyone else, administrators
and privacy officers included, gets the 404 of a page that does not exist."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from apps.core.private_files import private_path
from apps.hr.models import Applicant, Employee, HRDocument
from tests.conftest import World
from tests.matrix import Row, only


def _employee(w: World) -> Employee:
    return Employee.objects.filter(name="Matrix Employee").first() or Employee.objects.create(
        name="Matrix Employee", start_date=dt.date(2020, 1, 1)
    )


def _applicant(w: World) -> Applicant:
    return Applicant.objects.filter(name="Matrix Applicant").first() or Applicant.objects.create(
        name="Matrix Applicant"
    )


def _document(w: World) -> HRDocument:
    document = HRDocument.objects.filter(original_name="matrix.pdf").first() or HRDocument.objects.create(
        employee=_employee(w), file_path="hr/matrix-document", original_name="matrix.pdf", uploaded_at=timezone.now()
    )
    # Each test has its own MEDIA_ROOT: put the file where this test looks for it.
    path = private_path(document.file_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 matrix")
    return document


BOARD = {"board"}


def _page(url, *, post_ok: int) -> Row:  # type: ignore[no-untyped-def]
    return Row(url, get=only(BOARD, 200, 404, anonymous=302), post=only(BOARD, post_ok, 404, anonymous=302))


ROWS: dict[str, Row] = {
    "hr:employees": _page(lambda w: reverse("hr:employees"), post_ok=405),
    # Posting an empty form re-renders it with its errors.
    "hr:employee-create": _page(lambda w: reverse("hr:employee-create"), post_ok=200),
    "hr:employee": _page(lambda w: reverse("hr:employee", args=[_employee(w).pk]), post_ok=405),
    "hr:employee-edit": _page(lambda w: reverse("hr:employee-edit", args=[_employee(w).pk]), post_ok=200),
    # The board's POST deletes and goes back to the list (the matrix makes the record anew per case).
    "hr:employee-delete": _page(lambda w: reverse("hr:employee-delete", args=[_employee(w).pk]), post_ok=302),
    "hr:employee-entry-create": _page(
        lambda w: reverse("hr:employee-entry-create", args=[_employee(w).pk]), post_ok=200
    ),
    "hr:employee-document-create": _page(
        lambda w: reverse("hr:employee-document-create", args=[_employee(w).pk]), post_ok=200
    ),
    "hr:applicants": _page(lambda w: reverse("hr:applicants"), post_ok=405),
    "hr:applicant-create": _page(lambda w: reverse("hr:applicant-create"), post_ok=200),
    "hr:applicant": _page(lambda w: reverse("hr:applicant", args=[_applicant(w).pk]), post_ok=405),
    "hr:applicant-edit": _page(lambda w: reverse("hr:applicant-edit", args=[_applicant(w).pk]), post_ok=200),
    "hr:applicant-report-create": _page(
        lambda w: reverse("hr:applicant-report-create", args=[_applicant(w).pk]), post_ok=200
    ),
    "hr:applicant-document-create": _page(
        lambda w: reverse("hr:applicant-document-create", args=[_applicant(w).pk]), post_ok=200
    ),
    "hr:applicant-hire": _page(lambda w: reverse("hr:applicant-hire", args=[_applicant(w).pk]), post_ok=200),
    "hr:applicant-delete": _page(lambda w: reverse("hr:applicant-delete", args=[_applicant(w).pk]), post_ok=302),
    "hr:document": _page(lambda w: reverse("hr:document", args=[_document(w).pk]), post_ok=405),
}
