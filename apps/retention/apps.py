from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "apps.retention"
    verbose_name = _("Retention")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the clock rules (SPEC §3) with the runner.
        from apps.retention import rules  # noqa: F401
