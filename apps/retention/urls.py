from django.urls import path

from apps.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.notice_list, name="notices"),
]
