"""Sending Celery tasks from a request without depending on the broker (SPEC R-JOB-1).

Every `.delay`/`apply_async` made while serving a request goes through `enqueue_or_defer`:
when the broker (Redis) is away the task is written to the outbox table
(`core.DeferredTask`) instead of turning the page into a 500, and the clock rule
`deferred_tasks_send` (every minute, run by beat once the broker is back) sends it.
Tasks load by id and are safe to run twice, so a task that is both deferred and picked up
another way (e.g. a queued import re-queued by its own rule) does no harm.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from apps.core.models import DeferredTask

logger = logging.getLogger(__name__)

# What a publish raises while the broker is away (kombu wraps most, not all, of Redis's).
BROKER_ERRORS = (BrokerError, RedisError, OSError)


def _send(task_name: str, args: list, kwargs: dict) -> None:
    # retry=False: no seconds of reconnecting while a person waits; the outbox is the retry.
    task = current_app.tasks.get(task_name)
    if task is not None:  # through the task, so that task_always_eager is honoured
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    else:
        current_app.send_task(task_name, args=args, kwargs=kwargs, retry=False)


def enqueue_or_defer(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Send `task` now; False (and a DeferredTask row) when the broker refused. Never raises
    for a broker outage. Arguments must be JSON (ids, never objects)."""
    try:
        _send(task.name, list(args), kwargs)
    except BROKER_ERRORS as exc:
        logger.warning("task %s deferred: broker unavailable (%s)", task.name, type(exc).__name__)
        DeferredTask.objects.create(task_name=task.name, args=list(args), kwargs=kwargs, reason=type(exc).__name__)
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """`enqueue_or_defer` once the current transaction commits (nothing is sent for a
    rolled-back write)."""
    transaction.on_commit(lambda: enqueue_or_defer(task, *args, **kwargs))


def deferred_tasks_send(*, limit: int | None = None) -> tuple[int, int]:
    """Send the outbox, oldest first: (sent, still deferred). Stops at the first refusal
    (the broker is still away); each row is deleted only after its task was accepted."""
    sent = 0
    rows = DeferredTask.objects.order_by("pk")
    for row in rows[:limit] if limit else rows.iterator(chunk_size=500):
        try:
            _send(row.task_name, row.args, row.kwargs)
        except BROKER_ERRORS as exc:
            logger.warning("deferred tasks still waiting: broker unavailable (%s)", type(exc).__name__)
            break
        DeferredTask.objects.filter(pk=row.pk).delete()
        sent += 1
    return sent, DeferredTask.objects.count()
