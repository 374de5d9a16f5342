"""Rows of the privacy registers (issue 6, R-REG-1, R-REG-2): privacy officers only;
everyone else, board members and plain administrators included, gets the 404 of a page
that does not exist, and anonymous visitors the login."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from apps.core.private_files import private_path
from apps.registers.models import Breach, Subprocessor, SubprocessorAgreement
from tests.conftest import World
from tests.matrix import Row, only

OFFICERS = {"privacy_officer"}


def _subprocessor(w: World) -> Subprocessor:
    return Subprocessor.objects.filter(name="Matrix Hosting").first() or Subprocessor.objects.create(
        name="Matrix Hosting", service="hosting", country="NL", categories=["companies"]
    )


def _agreement(w: World) -> SubprocessorAgreement:
    subprocessor = _subprocessor(w)
    agreement = subprocessor.agreements.first() or SubprocessorAgreement.objects.create(
        subprocessor=subprocessor,
        signed_on=dt.date(2026, 1, 1),
        reference="M-1",
        document_path="registers/matrix-agreement",
        document_name="agreement.pdf",
    )
    # Each test has its own MEDIA_ROOT: put the file where this test looks for it.
    path = private_path(agreement.document_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 matrix")
    return agreement


def _breach(w: World) -> Breach:
    return Breach.objects.filter(summary="Matrix breach").first() or Breach.objects.create(
        summary="Matrix breach", description="matrix", discovered_at=timezone.now() - dt.timedelta(hours=1)
    )


def _notice(w: World) -> tuple[str, str]:
    from apps.registers.models import BreachClientNotice

    breach = _breach(w)
    notice, _ = BreachClientNotice.objects.get_or_create(breach=breach, client=w.acme)
    return str(breach.pk), str(notice.pk)


def _page(url, *, post_ok: int) -> Row:  # type: ignore[no-untyped-def]
    return Row(url, get=only(OFFICERS, 200, 404, anonymous=302), post=only(OFFICERS, post_ok, 404, anonymous=302))


ROWS: dict[str, Row] = {
    "registers:subprocessors": _page(lambda w: reverse("registers:subprocessors"), post_ok=405),
    # Posting an empty form re-renders it with its errors.
    "registers:subprocessor-create": _page(lambda w: reverse("registers:subprocessor-create"), post_ok=200),
    "registers:subprocessor": _page(
        lambda w: reverse("registers:subprocessor", args=[_subprocessor(w).pk]), post_ok=405
    ),
    "registers:subprocessor-edit": _page(
        lambda w: reverse("registers:subprocessor-edit", args=[_subprocessor(w).pk]), post_ok=200
    ),
    "registers:agreement-create": _page(
        lambda w: reverse("registers:agreement-create", args=[_subprocessor(w).pk]), post_ok=200
    ),
    "registers:agreement-edit": _page(
        lambda w: reverse("registers:agreement-edit", args=[_agreement(w).pk]), post_ok=200
    ),
    "registers:agreement-document": _page(
        lambda w: reverse("registers:agreement-document", args=[_agreement(w).pk]), post_ok=405
    ),
    "registers:breaches": _page(lambda w: reverse("registers:breaches"), post_ok=405),
    "registers:breach-create": _page(lambda w: reverse("registers:breach-create"), post_ok=200),
    "registers:breach": _page(lambda w: reverse("registers:breach", args=[_breach(w).pk]), post_ok=405),
    "registers:breach-edit": _page(lambda w: reverse("registers:breach-edit", args=[_breach(w).pk]), post_ok=200),
    # Posting an empty form re-renders it with "enter when the client was informed".
    "registers:breach-client-notice": _page(
        lambda w: reverse("registers:breach-client-notice", args=_notice(w)), post_ok=200
    ),
    # Posting an empty check re-renders the page with "enter an email address, ...".
    "registers:suppression": _page(lambda w: reverse("registers:suppression"), post_ok=200),
    "registers:erasures": _page(lambda w: reverse("registers:erasures"), post_ok=405),
}
