from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # the outbox's clock rule; the OpenAPI auth extension; the deployment checks
        from apps.core import checks, rules, schema  # noqa: F401
