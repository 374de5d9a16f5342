from django.apps import AppConfig


class ProspectsConfig(AppConfig):
    name = "apps.prospects"
    default_auto_field = "django.db.models.BigAutoField"
