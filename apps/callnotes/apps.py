from django.apps import AppConfig


class CallnotesConfig(AppConfig):
    name = "apps.callnotes"
    default_auto_field = "django.db.models.BigAutoField"
