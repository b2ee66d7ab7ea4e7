from django.urls import path

from apps.tenants import views

app_name = "tenants"

urlpatterns = [
    path("", views.household_list, name="households"),
    path("<uuid:uuid>/", views.household_detail, name="household"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:uuid>/", views.import_preview, name="import_preview"),
    path("import/<uuid:uuid>/progres/", views.import_progress, name="import_progress"),
]
