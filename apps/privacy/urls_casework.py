"""The privacy officer's casework on a request (R-DSR-3, R-DSR-4) and consent (R-CON-1)."""

from django.urls import path

from apps.privacy import views_casework as views
from apps.privacy import views_rights

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
    # R-DSR-5: restriction (Art. 18) and portability (Art. 20).
    path("requests/<uuid:request_id>/restrict/", views_rights.restrict, name="restrict"),
    path(
        "requests/<uuid:request_id>/persons/<uuid:person_id>/restriction-end/",
        views_rights.restriction_end,
        name="restriction-end",
    ),
    path("requests/<uuid:request_id>/portability/", views_rights.portability, name="portability"),
    path(
        "prospects/<uuid:prospect_id>/persons/<uuid:person_id>/consent/",
        views.prospect_consent_send,
        name="prospect-consent-send",
    ),
    path("persons/<uuid:person_id>/access/", views.person_access, name="person-access"),
    path("consent/withdraw/<str:token>/", views.consent_withdraw_page, name="consent-withdraw"),
]
