from django.urls import path

from apps.accompaniment import agenda_views, case_sheet, views, views_attachments

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
    # The agenda: appointments, next steps, the personal calendar feed.
    path("agenda/", agenda_views.week_view, name="agenda"),
    path("menage/<uuid:uuid>/rendez-vous/", agenda_views.appointment_form, name="appointment_form"),
    path("rendez-vous/<uuid:uuid>/fait/", agenda_views.appointment_done, name="appointment_done"),
    path(
        "rendez-vous/<uuid:uuid>/annuler/",
        agenda_views.appointment_cancel,
        name="appointment_cancel",
    ),
    path("suivi/<uuid:uuid>/prochaine-etape/", agenda_views.next_step, name="next_step"),
    path("agenda/calendrier/", agenda_views.calendar_page, name="calendar"),
    path("agenda/calendrier/revoquer/", agenda_views.calendar_revoke, name="calendar_revoke"),
    path("agenda/calendrier/<str:token>.ics", agenda_views.calendar_feed, name="calendar_feed"),
    # Documents joined to a consent, a follow-up or a moment; the household's case sheet.
    path(
        "<str:owner_type>/<uuid:uuid>/document/",
        views_attachments.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "document/<uuid:uuid>/", views_attachments.attachment_download, name="attachment_download"
    ),
    path(
        "document/<uuid:uuid>/supprimer/",
        views_attachments.attachment_delete,
        name="attachment_delete",
    ),
    path("menage/<uuid:uuid>/fiche/", case_sheet.case_sheet, name="case_sheet"),
    path("menage/<uuid:uuid>/fiche.pdf", case_sheet.case_sheet_pdf, name="case_sheet_pdf"),
]
