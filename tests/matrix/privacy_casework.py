"""Rows of the privacy officer's casework (issue 6, R-DSR-3, R-DSR-4) and consent (R-CON-1).

Officer pages: privacy officers only; everyone else, administrators and board members
without the privacy-officer permission included, gets the 404 of a page that does not exist.
The consent-withdrawal page is public; the portal's consent button is for whoever may manage
the record."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from apps.privacy.consent import SALT
from apps.privacy.models import DataSubjectRequest, RequestKind, RequestRecord
from apps.retention.models import HoldKind, LegalHold
from tests import factories
from tests.conftest import World
from tests.matrix import Row, expect, only

OFFICER = {"privacy_officer"}
MANAGERS = {"client_same_tenant", "supervisor", "administrator", "privacy_officer"}


def _request(w: World) -> DataSubjectRequest:
    dsr = DataSubjectRequest.objects.filter(message="matrix").first()
    if dsr is None:
        dsr = factories.DataSubjectRequestFactory(confirmed=True, kind=RequestKind.ERASURE, message="matrix")
        RequestRecord.objects.create(request=dsr, person=w.person, linked_at=dsr.confirmed_at)
    return dsr


def _hold(w: World) -> LegalHold:
    hold = LegalHold.objects.filter(reason="matrix").first()
    if hold is None:
        hold = LegalHold.objects.create(
            kind=HoldKind.PERSON,
            object_id=w.person.pk,
            reason="matrix",
            ends_on=timezone.localdate() + dt.timedelta(days=30),
            created_at=timezone.now(),
        )
    return hold


def _page(url, *, post_ok: int) -> Row:  # type: ignore[no-untyped-def]
    return Row(url, get=only(OFFICER, 200, 404, anonymous=302), post=only(OFFICER, post_ok, 404, anonymous=302))


def _post_only(url, *, post_ok: int) -> Row:  # type: ignore[no-untyped-def]
    return Row(url, get=only(OFFICER, 405, 404, anonymous=302), post=only(OFFICER, post_ok, 404, anonymous=302))


# A token for a person who does not exist: the same answer as for one who does, and
# posting it changes nothing in the shared world.
def _withdraw_url(w: World) -> str:
    token = signing.dumps({"p": str(uuid.UUID(int=1)), "u": 4102444800}, salt=SALT, compress=True)
    return reverse("privacy_case:consent-withdraw", args=[token])


ROWS: dict[str, Row] = {
    # Posting an empty search (review #13: the search is a POST): back to the lookup.
    "privacy_case:lookup": _page(lambda w: reverse("privacy_case:lookup", args=[_request(w).pk]), post_ok=302),
    # Posting nothing: back to the lookup with a message.
    "privacy_case:link": _post_only(lambda w: reverse("privacy_case:link", args=[_request(w).pk]), post_ok=302),
    "privacy_case:report": _page(lambda w: reverse("privacy_case:report", args=[_request(w).pk]), post_ok=405),
    # Posting an empty form re-renders it with its errors.
    "privacy_case:person-correct": _page(
        lambda w: reverse("privacy_case:person-correct", args=[_request(w).pk, w.person.pk]), post_ok=200
    ),
    # The person's legal basis is not consent: refused with a message, back to the lookup.
    "privacy_case:request-consent-send": _post_only(
        lambda w: reverse("privacy_case:request-consent-send", args=[_request(w).pk, w.person.pk]), post_ok=302
    ),
    # Posting without ticking the box: the warning again, with an error.
    "privacy_case:erase": _page(lambda w: reverse("privacy_case:erase", args=[_request(w).pk]), post_ok=400),
    "privacy_case:done": _page(lambda w: reverse("privacy_case:done", args=[_request(w).pk]), post_ok=405),
    "privacy_case:prospect-consent-send": Row(
        lambda w: reverse("privacy_case:prospect-consent-send", args=[w.prospect.pk, w.person.pk]),
        get=only(MANAGERS, 405, 405, anonymous=302),
        post=only(MANAGERS, 302, 404, anonymous=302),
    ),
    "privacy_case:consent-withdraw": Row(_withdraw_url, get=expect(200), post=expect(200)),
    # Issue 14 (R-DSR-5): the matrix request is an erasure, so posting is refused with the
    # warning (400); ending the (absent) restriction of its linked person redirects.
    "privacy_case:restrict": _page(lambda w: reverse("privacy_case:restrict", args=[_request(w).pk]), post_ok=400),
    "privacy_case:restriction-end": _post_only(
        lambda w: reverse("privacy_case:restriction-end", args=[_request(w).pk, w.person.pk]), post_ok=302
    ),
    "privacy_case:portability": _page(
        lambda w: reverse("privacy_case:portability", args=[_request(w).pk]), post_ok=405
    ),
    # R-HOLD-1: an empty form is refused with its errors (400); ending a hold redirects.
    "privacy_holds:list": _page(lambda w: reverse("privacy_holds:list"), post_ok=400),
    "privacy_holds:end": _post_only(lambda w: reverse("privacy_holds:end", args=[_hold(w).pk]), post_ok=302),
}
