from django.urls import path

from apps.accompaniment import views

app_name = "accompaniment"

urlpatterns = [
    path("suivis/", views.follow_up_list, name="follow_ups"),
    path("a-faire/", views.work_lists, name="work_lists"),
    path("menage/<uuid:uuid>/consentement/", views.consent_create, name="consent_create"),
    path("consentement/<uuid:uuid>/retrait/", views.consent_withdraw, name="consent_withdraw"),
    path("menage/<uuid:uuid>/suivi/", views.follow_up_create, name="follow_up_create"),
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
        "actions-collectives/<uuid:uuid>/resultat/",
        collective.outcome_record,
        name="outcome_record",
    ),
]
