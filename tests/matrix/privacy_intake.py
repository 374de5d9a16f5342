"""Rows of the privacy office's intake (issue 6, R-DSR-1, R-DSR-2): the statement, the request
form and the confirmation link are public (everyone 200, no login); the request dashboard
and its actions are for privacy officers only (404 for everyone else, anonymous to the login)."""

from __future__ import annotations

from django.urls import reverse

from apps.privacy.models import DataSubjectRequest
from apps.privacy.services import confirm_path
from tests.conftest import World
from tests.factories import DataSubjectRequestFactory
from tests.matrix import Row, expect, only

OFFICER = {"privacy_officer"}


def _open_request(w: World) -> DataSubjectRequest:
    return DataSubjectRequest.objects.filter(email="matrix.request@example.org").first() or (
        DataSubjectRequestFactory(email="matrix.request@example.org", confirmed=True)
    )


def _fresh_link(w: World) -> str:
    # A new unconfirmed request per call: the POST of the link confirms it (single use).
    return confirm_path(DataSubjectRequestFactory(confirm_nonce="matrix-nonce"))


def _officer(url, *, get_ok: int, post_ok: int) -> Row:  # type: ignore[no-untyped-def]
    return Row(url, get=only(OFFICER, get_ok, 404, anonymous=302), post=only(OFFICER, post_ok, 404, anonymous=302))


ROWS: dict[str, Row] = {
    "privacy:statement": Row(lambda w: reverse("privacy:statement"), get=expect(200), post=expect(405)),
    # Posting an empty form re-renders it with its errors (nothing is stored).
    "privacy:request": Row(lambda w: reverse("privacy:request"), get=expect(200), post=expect(200)),
    # GET shows the confirm button; POST confirms and shows both deadlines.
    "privacy:confirm": Row(_fresh_link, get=expect(200), post=expect(200)),
    "privacy:requests": _officer(lambda w: reverse("privacy:requests"), get_ok=200, post_ok=405),
    "privacy:request-detail": _officer(
        lambda w: reverse("privacy:request-detail", args=[_open_request(w).pk]), get_ok=200, post_ok=405
    ),
    "privacy:request-take": _officer(
        lambda w: reverse("privacy:request-take", args=[_open_request(w).pk]), get_ok=405, post_ok=302
    ),
    # Empty posts: the form comes back with its error (a refusal needs a reason).
    "privacy:request-answer": _officer(
        lambda w: reverse("privacy:request-answer", args=[_open_request(w).pk]), get_ok=405, post_ok=200
    ),
    "privacy:request-refuse": _officer(
        lambda w: reverse("privacy:request-refuse", args=[_open_request(w).pk]), get_ok=405, post_ok=200
    ),
    # The public API (R-DSR-1): no login; JSON only, so the matrix's form post is a 415 for
    # everyone (review #9: no cross-site form posts).
    "api:privacy-request-create": Row(
        lambda w: reverse("api:privacy-request-create"), get=expect(405), post=expect(415)
    ),
}
