"""Rows of the clock rules (issue 5): the job runs in the admin, administrators only."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from apps.retention.models import JobRun, JobStatus
from tests.conftest import World


def _job_run(w: World) -> JobRun:
    now = timezone.now()
    return JobRun.objects.filter(rule="lease_expiry").first() or JobRun.objects.create(
        rule="lease_expiry", started_at=now, finished_at=now, now=now, status=JobStatus.DONE
    )


ROWS: dict = {}

ADMIN_RIGHTS: dict[str, dict[str, set[str]]] = {
    "retention.jobrun": {"administrator": {"view"}, "supervisor": set()},
}

ADMIN_TARGETS: dict[str, Callable[[World], object]] = {
    "retention.jobrun": _job_run,
}
