from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProspectsConfig(AppConfig):
    name = "apps.prospects"
    verbose_name = _("Prospects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.privacy.redactors import register_person_redactor
        from apps.prospects.redaction import redact_extra_columns

        register_person_redactor(redact_extra_columns)
