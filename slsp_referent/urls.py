from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("apps.core.urls")),
    path("comptes/", include("apps.accounts.urls")),
    path("slsp/", include("apps.slsps.urls")),
    path("menages/", include("apps.tenants.urls")),
    path("partenaires/", include("apps.partners.urls")),
    path("accompagnement/", include("apps.accompaniment.urls")),
    path("accompagnement/", include("apps.referrals.urls")),
    path("accompagnement/", include("apps.collective.urls")),
    path("appels/", include("apps.calls.urls")),
    path("rapports/", include("apps.reports.urls")),
    path("confidentialite/", include("apps.privacy.urls")),
    path("api/", include("apps.api.urls")),
    # The language switch is offered on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
]
