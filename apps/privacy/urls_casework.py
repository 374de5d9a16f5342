"""The privacy officer's casework on a request (R-DSR-3, R-DSR-4) and consent (R-CON-1)."""

from django.urls import path

from apps.privacy import views_casework as views

app_name = "privacy_case"
urlpatterns = [
    path("requests/<uuid:request_id>/lookup/", views.lookup_page, name="lookup"),
    path("requests/<uuid:request_id>/link/", views.link, name="link"),
    path("requests/<uuid:request_id>/report/", views.report, name="report"),
    path("requests/<uuid:request_id>/persons/<uuid:person_id>/correct/", views.person_correct, name="person-correct"),
    path(
        "requests/<uuid:request_id>/persons/<uuid:person_id>/consent/",
        views.request_consent_send,
        name="request-consent-send",
    ),
    path("requests/<uuid:request_id>/erase/", views.erase, name="erase"),
    path("requests/<uuid:request_id>/done/", views.done, name="done"),
    path(
        "prospects/<uuid:prospect_id>/persons/<uuid:person_id>/consent/",
        views.prospect_consent_send,
        name="prospect-consent-send",
    ),
    path("persons/<uuid:person_id>/access/", views.person_access, name="person-access"),
    path("consent/withdraw/<str:token>/", views.consent_withdraw_page, name="consent-withdraw"),
]
