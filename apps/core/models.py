"""Tables of the plumbing that must outlive a Redis outage (SPEC R-JOB-1, §6)."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """A rate limit's fixed-window counter while Redis is away (apps.core.ratelimit).

    The key is a keyed hash, never the IP address or email it counts (R-DEL-1, R-RET-6);
    rows are deleted once their window has passed."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratecounter_key_window_uniq")]
        # The clean-up's `DELETE … WHERE expires_at < now()`.
        indexes = [models.Index(fields=["expires_at"], name="ratecounter_expires_idx")]

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class DeferredTask(models.Model):
    """A Celery task the broker did not accept (apps.core.enqueue.enqueue_or_defer): sent
    again by the clock rule `deferred_tasks_send` once the broker is back. Arguments are
    ids only (tasks load by id), never personal data."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task_name} (deferred {self.created_at:%Y-%m-%d %H:%M})"
