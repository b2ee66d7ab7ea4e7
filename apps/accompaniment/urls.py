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
    path("suivi/<uuid:uuid>/reouverture/", views.follow_up_reopen, name="follow_up_reopen"),
    path("moment/<uuid:uuid>/corriger/", views.moment_correct, name="moment_correct"),
    path("moment/<uuid:uuid>/supprimer/", views.moment_delete, name="moment_delete"),
    path("objectif/<uuid:uuid>/statut/", views.objective_status, name="objective_status"),
    path("menage/<uuid:uuid>/moment/", views.moment_create, name="moment_create"),
    path("moment/<uuid:uuid>/note-sensible/", views.moment_sensitive, name="moment_sensitive"),
]
