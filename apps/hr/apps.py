from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrConfig(AppConfig):
    name = "apps.hr"
    verbose_name = _("HR files")

    def ready(self) -> None:
        from apps.hr import rules  # noqa: F401  (registers the HR clock rules, R-RET-5)
