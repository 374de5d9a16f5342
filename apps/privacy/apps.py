from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "apps.privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the privacy_unconfirmed_expiry and privacy_request_reminders clock rules.
        from apps.privacy import request_retention, rules, sole_traders  # noqa: F401
