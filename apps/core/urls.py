from django.urls import path

from apps.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health_check, name="health"),
    path("sante/vivant/", views.liveness, name="liveness"),
]
