from django.urls import path

from apps.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("nouveau/", views.create, name="create"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/modifier/", views.edit, name="edit"),
    path("<uuid:uuid>/contacts/ajouter/", views.contact_add, name="contact_add"),
    path("<uuid:uuid>/lier/", views.link, name="link"),
    path("<uuid:uuid>/retirer/", views.unlink, name="unlink"),
    path("<uuid:uuid>/fusionner/", views.merge, name="merge"),
    path("contacts/<uuid:uuid>/modifier/", views.contact_edit, name="contact_edit"),
    path("conventions/", views.agreements, name="agreements"),
    path("conventions/nouvelle/", views.agreement_create, name="agreement_create"),
    path("conventions/<uuid:uuid>/", views.agreement_detail, name="agreement_detail"),
    path("conventions/<uuid:uuid>/modifier/", views.agreement_edit, name="agreement_edit"),
    path("conventions/<uuid:uuid>/document/", views.agreement_document, name="agreement_document"),
]
