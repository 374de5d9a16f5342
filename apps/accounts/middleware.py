from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

# Pages a staff member without an agreement may still reach: logging out, the language
# switch, the page that explains the block, and static files.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")


class ConfidentialityAgreementMiddleware:
    """R-NTK-5: staff with no confidentiality agreement on record see a page that says so,
    whatever they ask for. (The API answers 403 through its own permission class, and the
    access layer shows such a user nothing in any case.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.has_confidentiality_agreement
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path not in (reverse("accounts:logout"), reverse("accounts:login"))
        ):
            return render(request, "accounts/no_agreement.html", status=403)
        return self.get_response(request)
