from django.urls import path

from apps.tenants import views, works_views

app_name = "tenants"

urlpatterns = [
    path("", views.household_list, name="households"),
    path("<uuid:uuid>/", views.household_detail, name="household"),
    # Renovation works (apps/tenants/works_views.py).
    path("chantiers/", works_views.works_list, name="works"),
    path("chantiers/nouveau/", works_views.works_create, name="works_create"),
    path("chantiers/<uuid:uuid>/", works_views.works_detail, name="works_detail"),
    path("chantiers/<uuid:uuid>/modifier/", works_views.works_edit, name="works_edit"),
    path("chantiers/<uuid:uuid>/cloturer/", works_views.works_close, name="works_close"),
    path("chantiers/<uuid:uuid>/logements/", works_views.works_attach, name="works_attach"),
    path(
        "chantiers/<uuid:uuid>/logements/<uuid:unit>/retirer/",
        works_views.works_detach,
        name="works_detach",
    ),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:uuid>/", views.import_preview, name="import_preview"),
    path("import/<uuid:uuid>/progres/", views.import_progress, name="import_progress"),
]
