from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    name = "apps.registers"
    verbose_name = _("Privacy registers")

    def ready(self) -> None:
        from apps.registers import rules  # noqa: F401  (registers the register clock rules, R-REG-1, R-REG-2)
