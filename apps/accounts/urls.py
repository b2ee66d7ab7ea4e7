from django.urls import path

from apps.accounts import views, views_notifications, views_session

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("connexion/code/", views.login_otp, name="login_otp"),
    path("connexion/activation-code/", views.login_enrol, name="login_enrol"),
    path("securite/", views.security, name="security"),
    path("securite/confirmer/", views.reauthenticate, name="reauth"),
    path("securite/double-authentification/", views.otp_enrol, name="otp_enrol"),
    path("securite/double-authentification/desactiver/", views.otp_disable, name="otp_disable"),
    path("securite/adresse-e-mail/", views.email_change, name="email_change"),
    path("securite/codes-de-secours/", views.backup_codes_view, name="backup_codes"),
    path("securite/langue/", views.language_change, name="language_change"),
    # Public: the invited person has no password yet; the signed token is the key.
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path(
        "notifications/tout-lu/",
        views_notifications.notification_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/e-mail/", views_notifications.notification_email, name="notification_email"
    ),
    path(
        "notifications/<uuid:uuid>/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path("session/prolonger/", views_session.keepalive, name="session_keepalive"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/modifie/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
