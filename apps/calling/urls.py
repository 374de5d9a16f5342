from django.urls import path

from apps.calling import views, views_differences, views_pause, views_supervisor

app_name = "calling"
urlpatterns = [
    path("assignments/<uuid:assignment_id>/", views.workspace, name="workspace"),
    path("assignments/<uuid:assignment_id>/next/", views.next_prospect, name="next"),
    # The agent's pause (issue 13 #4), from the workspace.
    path("assignments/<uuid:assignment_id>/pause/", views_pause.pause, name="pause-start"),
    path("assignments/<uuid:assignment_id>/resume/", views_pause.resume, name="resume"),
    path("assignments/<uuid:assignment_id>/contacts/", views.contacts, name="contacts"),
    path("assignments/<uuid:assignment_id>/notes/", views.notes, name="notes"),
    path("assignments/<uuid:assignment_id>/progress/", views_supervisor.progress, name="progress"),
    # The supervisor's live board (R-SUP-1) and its two acts.
    path("assignments/<uuid:assignment_id>/board/", views_supervisor.board, name="board"),
    path("assignments/<uuid:assignment_id>/board/release/", views_supervisor.board_release, name="board-release"),
    path("assignments/<uuid:assignment_id>/board/reassign/", views_supervisor.board_reassign, name="board-reassign"),
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
    # The differences to verify (R-IMP-3): the panel and each accept / reject.
    path("prospects/<uuid:prospect_id>/differences/", views_differences.differences, name="differences"),
    path(
        "prospects/<uuid:prospect_id>/differences/<str:token>/",
        views_differences.difference_resolve,
        name="difference-resolve",
    ),
]
