from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("apps.core.urls")),
    path("comptes/", include("apps.accounts.urls")),
    path("slsp/", include("apps.slsps.urls")),
    path("menages/", include("apps.tenants.urls")),
    path("partenaires/", include("apps.partners.urls")),
    path("accompagnement/", include("apps.accompaniment.urls")),
    path("appels/", include("apps.calls.urls")),
    path("rapports/", include("apps.reports.urls")),
    path("confidentialite/", include("apps.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
]
