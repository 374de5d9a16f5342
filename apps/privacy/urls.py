from django.urls import path

from apps.privacy import views

app_name = "privacy"
urlpatterns = [
    # Public, no login (R-DSR-1, R-DSR-2)
    path("", views.statement, name="statement"),
    path("request/", views.request_form, name="request"),
    path("request/<uuid:request_id>/confirm/<str:token>/", views.confirm, name="confirm"),
    # The privacy officer's (R-DSR-2)
    path("requests/", views.request_list, name="requests"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request-detail"),
    path("requests/<uuid:request_id>/take/", views.request_take, name="request-take"),
    path("requests/<uuid:request_id>/answer/", views.request_answer, name="request-answer"),
    path("requests/<uuid:request_id>/refuse/", views.request_refuse, name="request-refuse"),
]
