from django.urls import path

from apps.privacy import views

app_name = "privacy"

urlpatterns = [
    path("journal-des-acces/", views.access_log, name="access_log"),
    path("menage/<uuid:uuid>/export/", views.household_export, name="household_export"),
]
