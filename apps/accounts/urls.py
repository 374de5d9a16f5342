from django.urls import path

from apps.accounts import board, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("account/tokens/", views.token_list, name="tokens"),
    path("account/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("account/board/accounts/", board.board_accounts, name="board-accounts"),
]
