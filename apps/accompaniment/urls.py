from django.urls import path

from apps.accompaniment import views

app_name = "accompaniment"

urlpatterns = [
    path("suivis/", views.follow_up_list, name="follow_ups"),
    path("a-faire/", views.work_lists, name="work_lists"),
    path("menage/<uuid:uuid>/consentement/", views.consent_create, name="consent_create"),
    path("menage/<uuid:uuid>/consentement/nouveau/", views.consent_form, name="consent_form"),
    path("consentement/<uuid:uuid>/retrait/", views.consent_withdraw, name="consent_withdraw"),
    path("menage/<uuid:uuid>/suivi/", views.follow_up_create, name="follow_up_create"),
    path("menage/<uuid:uuid>/suivi/nouveau/", views.follow_up_form, name="follow_up_form"),
    path("suivi/<uuid:uuid>/cloture/", views.follow_up_close, name="follow_up_close"),
    path("objectif/<uuid:uuid>/statut/", views.objective_status, name="objective_status"),
    path("menage/<uuid:uuid>/moment/", views.moment_create, name="moment_create"),
    path("moment/<uuid:uuid>/note-sensible/", views.moment_sensitive, name="moment_sensitive"),
]

# Collective actions (issue 4, item 5).
from apps.accompaniment import views_collective as collective  # noqa: E402

urlpatterns += [
    path("actions-collectives/", collective.collective_list, name="collective_actions"),
    path("actions-collectives/nouvelle/", collective.collective_create, name="collective_create"),
    path(
        "actions-collectives/<uuid:uuid>/", collective.collective_detail, name="collective_detail"
    ),
    path(
        "actions-collectives/<uuid:uuid>/modifier/",
        collective.collective_edit,
        name="collective_edit",
    ),
    path("actions-collectives/<uuid:uuid>/seance/", collective.session_add, name="session_add"),
    path(
        "actions-collectives/seances/<uuid:uuid>/modifier/",
        collective.session_edit,
        name="session_edit",
    ),
    path(
        "actions-collectives/seances/<uuid:uuid>/supprimer/",
        collective.session_delete,
        name="session_delete",
    ),
    path(
        "actions-collectives/<uuid:uuid>/resultat/",
        collective.outcome_record,
        name="outcome_record",
    ),
]

# Referrals, the partner's signed link and the network view (issue 4, items 3, 4 and 6).
from apps.accompaniment import referrals_views as referral_views  # noqa: E402

urlpatterns += [
    path("orientations/", referral_views.referral_list, name="referrals"),
    path("suivi/<uuid:uuid>/orienter/", referral_views.referral_create, name="referral_create"),
    path("orientation/<uuid:uuid>/", referral_views.referral_detail, name="referral_detail"),
    path("orientation/<uuid:uuid>/envoyer/", referral_views.referral_send, name="referral_send"),
    path(
        "orientation/<uuid:uuid>/renvoyer-lien/",
        referral_views.referral_resend,
        name="referral_resend",
    ),
    path(
        "orientation/<uuid:uuid>/statut/",
        referral_views.referral_transition,
        name="referral_transition",
    ),
    # Public: the partner has no account; the signed token is the only key.
    path(
        "partenaire/orientation/<uuid:uuid>/<str:token>/",
        referral_views.referral_link,
        name="referral_link",
    ),
    path("reseau/", referral_views.network, name="network"),
    path("reseau/<uuid:uuid>/", referral_views.network_slsp, name="network_slsp"),
    path("reseau/partenaire/<uuid:uuid>/", referral_views.partner_stats, name="partner_stats"),
]
