from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallingConfig(AppConfig):
    """The call-agent's workspace: the queue, the call screen, results and notes (SPEC §4 "Calling")."""

    name = "apps.calling"
    label = "calling"
    verbose_name = _("Calling")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_end_pause_on_logout, dispatch_uid="calling-pause-logout")


def _end_pause_on_logout(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    """Logging out ends a pause (issue 13 #4): the board no longer shows the agent paused."""
    if user is None:
        return
    from apps.calling.models import PauseEnd
    from apps.calling.pauses import pause_end

    pause_end(agent=user, cause=PauseEnd.LOGOUT)
