from django.urls import path

from apps.accounts import board, twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("account/tokens/", views.token_list, name="tokens"),
    path("account/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("account/board/accounts/", board.board_accounts, name="board-accounts"),
    # Two-factor authentication (R-SEC-1, apps.accounts.twofactor)
    path("account/two-factor/", twofactor_views.manage, name="two-factor"),
    path("account/two-factor/setup/", twofactor_views.setup, name="two-factor-setup"),
    path("account/two-factor/verify/", twofactor_views.verify, name="two-factor-verify"),
    path("account/two-factor/recovery-codes/", twofactor_views.recovery_codes, name="two-factor-recovery-codes"),
    path("account/two-factor/disable/", twofactor_views.disable, name="two-factor-disable"),
    path("account/two-factor/users/", twofactor_views.users, name="two-factor-users"),
    path("account/two-factor/users/<int:user_id>/reset/", twofactor_views.reset, name="two-factor-reset"),
]
