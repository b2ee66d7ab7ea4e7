from django.urls import path

from apps.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search_page, name="search"),
    path("sante/", views.health_check, name="health"),
    path("sante/vivant/", views.liveness, name="liveness"),
]
