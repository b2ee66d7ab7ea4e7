from django.urls import path

from apps.collective import views

# Included under "accompagnement/" (slsp_referent/urls.py): the paths did not change
# when collective actions became an app of their own.
app_name = "collective"

urlpatterns = [
    path("actions-collectives/", views.collective_list, name="collective_actions"),
    path("actions-collectives/nouvelle/", views.collective_create, name="collective_create"),
    path("actions-collectives/<uuid:uuid>/", views.collective_detail, name="collective_detail"),
    path(
        "actions-collectives/<uuid:uuid>/modifier/",
        views.collective_edit,
        name="collective_edit",
    ),
    path("actions-collectives/<uuid:uuid>/seance/", views.session_add, name="session_add"),
    path(
        "actions-collectives/seances/<uuid:uuid>/modifier/",
        views.session_edit,
        name="session_edit",
    ),
    path(
        "actions-collectives/seances/<uuid:uuid>/supprimer/",
        views.session_delete,
        name="session_delete",
    ),
    path(
        "actions-collectives/<uuid:uuid>/resultat/",
        views.outcome_record,
        name="outcome_record",
    ),
]
