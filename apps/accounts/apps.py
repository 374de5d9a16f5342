from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from apps.accounts import guards
        from apps.accounts.cached import forget_saved_user
        from apps.accounts.middleware import session_times_start
        from apps.accounts.models import User
        from apps.accounts.tokens import end_tokens_of_inactive_user
        from apps.accounts.twofactor import mark_session_at_login

        post_save.connect(end_tokens_of_inactive_user, sender=User, dispatch_uid="accounts.end_tokens_of_inactive_user")
        post_save.connect(forget_saved_user, sender=User, dispatch_uid="accounts.forget_saved_user")
        post_delete.connect(forget_saved_user, sender=User, dispatch_uid="accounts.forget_deleted_user")
        user_logged_in.connect(session_times_start, dispatch_uid="accounts.session_times_start")
        guards.connect()  # only the board manages board and privacy-officer accounts (issue 15 #10)
        user_logged_in.connect(mark_session_at_login, dispatch_uid="accounts.two_factor_mark_session")
