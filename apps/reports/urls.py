from django.urls import path

from apps.reports import views, views_semester

app_name = "reports"

urlpatterns = [
    path("region/", views.region, name="region"),
    path("region/export.csv", views.region_csv, name="region_csv"),
    path("region/export.xlsx", views.region_xlsx, name="region_xlsx"),
    path("region/<uuid:uuid>/", views.slsp_overview, name="slsp_overview"),
    # Semestrial evaluation reports of the user's SLSP.
    path("semestriels/", views_semester.semester_list, name="semester_list"),
    path("semestriels/demander/", views_semester.semester_request, name="semester_request"),
    path("semestriels/<uuid:uuid>/", views_semester.semester_detail, name="semester_detail"),
    path(
        "semestriels/<uuid:uuid>/evaluation/",
        views_semester.semester_evaluate,
        name="semester_evaluate",
    ),
    path("semestriels/<uuid:uuid>/pdf/", views_semester.semester_build, name="semester_build"),
    path(
        "semestriels/<uuid:uuid>/valider/",
        views_semester.semester_validate,
        name="semester_validate",
    ),
    path(
        "semestriels/<uuid:uuid>/renvoyer/",
        views_semester.semester_send_back,
        name="semester_send_back",
    ),
    path(
        "semestriels/<uuid:uuid>/nouvelle-version/",
        views_semester.semester_new_version,
        name="semester_new_version",
    ),
    path("pdf/<uuid:uuid>/etat/", views_semester.build_progress, name="build_progress"),
    path("pdf/<uuid:uuid>/telecharger/", views_semester.build_download, name="build_download"),
    # The SWL's regional report.
    path("regionaux/", views_semester.regional_list, name="regional_list"),
    path("regionaux/demander/", views_semester.regional_request, name="regional_request"),
    path("regionaux/<uuid:uuid>/", views_semester.regional_detail, name="regional_detail"),
    path("regionaux/<uuid:uuid>/etat/", views_semester.regional_progress, name="regional_progress"),
    path(
        "regionaux/<uuid:uuid>/telecharger/",
        views_semester.regional_download,
        name="regional_download",
    ),
]
