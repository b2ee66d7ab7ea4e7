from django.urls import path

from apps.referrals import views

# Included under "accompagnement/" (slsp_referent/urls.py): the paths, and so the
# partner links already sent, did not change when referrals became an app of their own.
app_name = "referrals"

urlpatterns = [
    path("orientations/", views.referral_list, name="referrals"),
    path("suivi/<uuid:uuid>/orienter/", views.referral_create, name="referral_create"),
    path("orientation/<uuid:uuid>/", views.referral_detail, name="referral_detail"),
    path("orientation/<uuid:uuid>/envoyer/", views.referral_send, name="referral_send"),
    path(
        "orientation/<uuid:uuid>/renvoyer-lien/",
        views.referral_resend,
        name="referral_resend",
    ),
    path(
        "orientation/<uuid:uuid>/statut/",
        views.referral_transition,
        name="referral_transition",
    ),
    # Public: the partner has no account; the signed token is the only key.
    path(
        "partenaire/orientation/<uuid:uuid>/<str:token>/",
        views.referral_link,
        name="referral_link",
    ),
    path("reseau/", views.network, name="network"),
    path("reseau/<uuid:uuid>/", views.network_slsp, name="network_slsp"),
    path("reseau/partenaire/<uuid:uuid>/", views.partner_stats, name="partner_stats"),
]
