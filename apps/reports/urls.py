from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("region/", views.region, name="region"),
    path("region/export.csv", views.region_csv, name="region_csv"),
    path("region/export.xlsx", views.region_xlsx, name="region_xlsx"),
    path("region/<uuid:uuid>/", views.slsp_overview, name="slsp_overview"),
]
