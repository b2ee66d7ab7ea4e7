from django.urls import path

from apps.slsps import views, views_network

app_name = "slsps"

urlpatterns = [
    path("", views.register, name="register"),
    path("la-mienne/", views.mine, name="mine"),
    path("strategie/", views_network.my_strategy, name="my_strategy"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/strategie/", views_network.strategies, name="strategies"),
    path("<uuid:uuid>/strategie/nouvelle/", views_network.strategy_create, name="strategy_create"),
    path("strategie/<uuid:uuid>/modifier/", views_network.strategy_edit, name="strategy_edit"),
    path("reseau/", views_network.network, name="network"),
    path("reseau/activites/nouvelle/", views_network.event_create, name="event_create"),
    path("reseau/activites/<uuid:uuid>/", views_network.event_detail, name="event_detail"),
    path("reseau/activites/<uuid:uuid>/modifier/", views_network.event_edit, name="event_edit"),
    path(
        "reseau/activites/<uuid:uuid>/presences/",
        views_network.event_attendance,
        name="event_attendance",
    ),
    path("reseau/fiches/", views_network.practices, name="practices"),
    path("reseau/fiches/nouvelle/", views_network.practice_create, name="practice_create"),
    path("reseau/fiches/<uuid:uuid>/", views_network.practice_detail, name="practice_detail"),
    path("reseau/fiches/<uuid:uuid>/modifier/", views_network.practice_edit, name="practice_edit"),
]
