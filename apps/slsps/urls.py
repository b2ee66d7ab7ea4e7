from django.urls import path

from apps.slsps import views

app_name = "slsps"

urlpatterns = [
    path("", views.register, name="register"),
    path("la-mienne/", views.mine, name="mine"),
    path("<uuid:uuid>/", views.detail, name="detail"),
]
