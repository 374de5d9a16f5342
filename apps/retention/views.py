from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.retention.selectors import notices_for
from apps.retention.services import notice_text


@require_GET
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The user's own notices (R-RET-2): counts of records to verify per assignment, no names."""
    notices = [(notice, notice_text(notice, notice.assignment.name)) for notice in notices_for(request.user)]
    return render(request, "retention/notices.html", {"notices": notices})
