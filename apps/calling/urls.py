from django.urls import path

from apps.calling import views

app_name = "calling"
urlpatterns = [
    path("assignments/<uuid:assignment_id>/", views.workspace, name="workspace"),
    path("assignments/<uuid:assignment_id>/next/", views.next_prospect, name="next"),
    path("assignments/<uuid:assignment_id>/contacts/", views.contacts, name="contacts"),
    path("assignments/<uuid:assignment_id>/notes/", views.notes, name="notes"),
    path("assignments/<uuid:assignment_id>/progress/", views.progress, name="progress"),
    path("prospects/<uuid:prospect_id>/", views.screen, name="screen"),
    path("prospects/<uuid:prospect_id>/call/", views.record_call, name="call"),
    path("prospects/<uuid:prospect_id>/skip/", views.skip, name="skip"),
    path("prospects/<uuid:prospect_id>/pause/", views.pause, name="pause"),
    path("prospects/<uuid:prospect_id>/callback/", views.callback_take, name="callback-take"),
    path("prospects/<uuid:prospect_id>/company/", views.company_correct, name="company"),
    path("prospects/<uuid:prospect_id>/persons/add/", views.person_add, name="person-add"),
    path("prospects/<uuid:prospect_id>/persons/<uuid:person_id>/verify/", views.person_verify, name="person-verify"),
    path("prospects/<uuid:prospect_id>/persons/<uuid:person_id>/left-company/", views.person_left, name="person-left"),
    path("prospects/<uuid:prospect_id>/persons/<uuid:person_id>/consent/", views.person_consent, name="person-consent"),
]
