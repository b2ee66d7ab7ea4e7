from django.urls import path

from apps.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.call_create, name="call_create"),
    path("mes-dossiers/", views.my_dossiers, name="my_dossiers"),
    path("bonnes-pratiques/", views.library, name="library"),
    path("bonnes-pratiques/<uuid:uuid>/", views.library_entry, name="library_entry"),
    path("jury/", views.jury_list, name="jury_list"),
    path("jury/<uuid:uuid>/", views.score, name="score"),
    path("jury/<uuid:uuid>/conflit/", views.conflict, name="conflict"),
    path("jury/<uuid:uuid>/remettre/", views.score_submit, name="score_submit"),
    path("jury/<uuid:uuid>/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("dossiers/<uuid:uuid>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<uuid:uuid>/modifier/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<uuid:uuid>/actions/", views.dossier_actions, name="dossier_actions"),
    path("dossiers/<uuid:uuid>/budget/", views.dossier_budget, name="dossier_budget"),
    path("dossiers/<uuid:uuid>/annexes/", views.attachment_add, name="attachment_add"),
    path("dossiers/<uuid:uuid>/deposer/", views.dossier_submit, name="dossier_submit"),
    path("dossiers/<uuid:uuid>/approuver/", views.dossier_approve, name="dossier_approve"),
    path(
        "dossiers/<uuid:uuid>/demander-approbation/",
        views.dossier_request_approval,
        name="dossier_request_approval",
    ),
    path("dossiers/<uuid:uuid>/retirer/", views.dossier_withdraw, name="dossier_withdraw"),
    path("dossiers/<uuid:uuid>/decision/", views.decision, name="decision"),
    path(
        "dossiers/<uuid:uuid>/lettre/<uuid:slsp>.pdf",
        views.decision_letter,
        name="decision_letter",
    ),
    path("dossiers/<uuid:uuid>/remplacement/", views.replace, name="replace"),
    path("annexes/<uuid:uuid>/", views.attachment_download, name="attachment_download"),
    path("recepisses/<uuid:uuid>/", views.receipt, name="receipt"),
    path("<uuid:uuid>/", views.call_detail, name="call_detail"),
    path("<uuid:uuid>/modifier/", views.call_edit, name="call_edit"),
    path("<uuid:uuid>/statut/", views.call_transition, name="call_transition"),
    path("<uuid:uuid>/dossier/", views.dossier_create, name="dossier_create"),
    path("<uuid:uuid>/jury/", views.jury_assign, name="jury_assign"),
    path("<uuid:uuid>/jury/equilibre/", views.assign_balanced, name="assign_balanced"),
    path("<uuid:uuid>/classement/", views.ranking, name="ranking"),
    path("<uuid:uuid>/notes/", views.notes, name="notes"),
    path("<uuid:uuid>/resultats.pdf", views.results_pdf, name="results_pdf"),
    path("<uuid:uuid>/presences/", views.attendance, name="attendance"),
    path("<uuid:uuid>/pv.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<uuid:uuid>/classement.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
]
