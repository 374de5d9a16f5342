from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallingConfig(AppConfig):
    """The call-agent's workspace: the queue, the call screen, results and notes (SPEC §4 "Calling")."""

    name = "apps.calling"
    label = "calling"
    verbose_name = _("Calling")
