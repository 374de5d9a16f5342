"""The privacy officer's legal holds (R-HOLD-1)."""

from django.urls import path

from apps.privacy import views_rights

app_name = "privacy_holds"
urlpatterns = [
    path("", views_rights.holds, name="list"),
    path("<uuid:hold_id>/end/", views_rights.hold_lift, name="end"),
]
