from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallnotesConfig(AppConfig):
    name = "apps.callnotes"
    verbose_name = _("Call notes")
    default_auto_field = "django.db.models.BigAutoField"
