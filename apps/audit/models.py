from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    DOWNLOAD = "download", _("Downloaded")
    ADMIN_VIEW = "admin_view", _("Viewed in the admin")
    # A supervisor's acts on the live board (R-SUP-1): ids of the prospects concerned.
    RELEASE = "release", _("Lease released by a supervisor")
    REASSIGN = "reassign", _("Callbacks reassigned by a supervisor")


class AccessLogEntry(models.Model):
    """One consultation of personal data (R-LOG-1, policy §3): who, what, where, when.

    Ids only, never the data itself, so that deleting a person leaves nothing here to
    redact (R-DEL-1). Append-only: a database trigger refuses UPDATE and DELETE, except
    clearing `ip_address` after four weeks (R-RET-6).

    A list or an export is one entry whose `object_ids` holds every id shown (the bulk
    path), so that a later erasure can still tell who received the person (Art. 19).
    """

    at = models.DateTimeField(_("when"))
    # Not a foreign key: the log outlives users and must never be cascaded away.
    actor_id = models.BigIntegerField(_("user id"), null=True)
    action = models.CharField(_("action"), max_length=12, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)  # "app_label.model"
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_ids = ArrayField(models.CharField(max_length=64), verbose_name=_("object ids"), default=list, blank=True)
    object_count = models.PositiveIntegerField(_("number of objects"), default=1)
    assignment_id = models.UUIDField(_("assignment id"), null=True)
    # Through what: the URL name of the page or endpoint ("portal:prospect-edit",
    # "api:prospect-list", "admin:prospects_person_change"), "" outside a request.
    via = models.CharField(_("through"), max_length=100, blank=True, default="")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        indexes = [
            # "Who saw this object?" (privacy office, Art. 19): WHERE object_type = ? AND object_id = ?
            models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx"),
            # Per-assignment audit: WHERE assignment_id = ? ORDER BY at
            models.Index(fields=["assignment_id", "at"], name="accesslog_assignment_idx"),
            # IP removal after 4 weeks (R-RET-6): WHERE at < ? AND ip_address IS NOT NULL
            models.Index(fields=["at"], name="accesslog_at_idx"),
            # "Who saw this person?" through lists and downloads (the privacy officer's page):
            # WHERE object_type = 'prospects.person' AND object_ids && ARRAY[?]. Persons only,
            # and a large pending list, so that a download naming 100,000 persons appends to
            # the list (as cheap as no index) and autovacuum merges it later.
            GinIndex(
                fields=["object_ids"],
                name="accesslog_person_ids_gin",
                condition=Q(object_type="prospects.person"),
                fastupdate=True,
                gin_pending_list_limit=65536,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"
