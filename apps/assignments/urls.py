from django.urls import path

from apps.assignments import views

app_name = "assignments"
urlpatterns = [
    path("<uuid:assignment_id>/", views.assignment_detail, name="detail"),
]
