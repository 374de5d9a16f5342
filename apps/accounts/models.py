from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SPEC §1. The privacy officer is a permission on top of a role."""

    ADMINISTRATOR = "administrator", _("System administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENT = "agent", _("Call agent")
    CLIENT = "client", _("Client user")
    BOARD = "board", _("Board member")


# Internal staff: they need a confidentiality agreement on record (R-NTK-5).
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR, Role.AGENT, Role.BOARD})
# Roles that work in the Django admin (SPEC §5).
ADMIN_SITE_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Only for client users: the one client company they belong to."),
    )
    is_privacy_officer = models.BooleanField(
        _("privacy officer"),
        default=False,
        help_text=_("Handles data-subject requests, the suppression list and the registers."),
    )
    confidentiality_signed_on = models.DateField(
        _("confidentiality agreement signed on"),
        null=True,
        blank=True,
        help_text=_("Staff cannot open any client data before this date is on record."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A client user belongs to exactly one client; nobody else belongs to one.
            models.CheckConstraint(
                name="user_client_iff_client_role",
                violation_error_message=_("Client users belong to exactly one client; other users to none."),
                condition=(Q(role=Role.CLIENT) & Q(client__isnull=False))
                | (~Q(role=Role.CLIENT) & Q(client__isnull=True)),
            ),
            # SPEC §1: the privacy-officer permission is held by board members or administrators.
            models.CheckConstraint(
                name="user_privacy_officer_is_admin_or_board",
                violation_error_message=_("Only administrators and board members can be privacy officer."),
                condition=Q(is_privacy_officer=False) | Q(role__in=[Role.ADMINISTRATOR, Role.BOARD]),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def has_confidentiality_agreement(self) -> bool:
        return self.role == Role.CLIENT or self.confidentiality_signed_on is not None


class ApiToken(models.Model):
    """An API token (R-SEC-1, issue 15 #8). Only a SHA-256 of the key is stored (the key is
    shown once, when it is made), with the user's password fingerprint at that moment: a
    token is valid only while the user is active, before `expires_at`, and while the
    fingerprint still matches, so any password change, by whatever path, ends every token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    password_fingerprint = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
