from django.urls import path

from apps.appointments import views

app_name = "appointments"
urlpatterns = [
    path("assignments/<uuid:assignment_id>/", views.appointment_list_page, name="list"),
    path("assignments/<uuid:assignment_id>/download.csv", views.appointment_download, name="download"),
    path("<uuid:appointment_id>/invitation.ics", views.appointment_invitation, name="invitation"),
]
