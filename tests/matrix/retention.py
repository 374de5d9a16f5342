"""Rows of the clock rules (issue 5): the job runs in the admin, administrators only."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from apps.retention.models import JobRun, JobStatus
from tests.conftest import World
from tests.matrix import Row, expect


def _job_run(w: World) -> JobRun:
    now = timezone.now()
    return JobRun.objects.filter(rule="lease_expiry").first() or JobRun.objects.create(
        rule="lease_expiry", started_at=now, finished_at=now, now=now, status=JobStatus.DONE
    )


ROWS: dict[str, Row] = {
    # Everyone logged in sees their own notices only (the query is by recipient).
    "retention:notices": Row(lambda w: reverse("retention:notices"), get=expect(200, anonymous=302), post=expect(405)),
}

ADMIN_RIGHTS: dict[str, dict[str, set[str]]] = {
    "retention.jobrun": {"administrator": {"view"}, "supervisor": set()},
}

ADMIN_TARGETS: dict[str, Callable[[World], object]] = {
    "retention.jobrun": _job_run,
}
