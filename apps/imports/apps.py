from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "apps.imports"
    verbose_name = _("Imports and downloads")

    def ready(self) -> None:
        from apps.imports import rules  # noqa: F401  (registers the upload_expiry clock rule)
        from apps.imports.redaction import redact_import_headers
        from apps.privacy.redactors import register_person_redactor

        register_person_redactor(redact_import_headers)
