import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerType(models.TextChoices):
    CPAS = "cpas", _("CPAS")
    RELAIS_SOCIAL = "relais_social", _("Relais social")
    PCS = "pcs", _("Plan de cohésion sociale")
    APL = "apl", _("Association de promotion du logement (APL)")
    AIS = "ais", _("Agence immobilière sociale (AIS)")
    REGIE_QUARTIER = "regie_quartier", _("Régie de quartier")
    MAISON_JUSTICE = "maison_justice", _("Maison de justice")
    ONE = "one", _("ONE")
    ECOLE_DEVOIRS = "ecole_devoirs", _("École de devoirs")
    ABRI_NUIT = "abri_nuit", _("Abri de nuit")
    SANTE_MENTALE = "sante_mentale", _("Service de santé mentale")
    MAISON_ACCUEIL = "maison_accueil", _("Maison d'accueil")
    INSERTION_SOCIALE = "insertion_sociale", _("Service d'insertion sociale")
    POLICE = "police", _("Police")
    HOPITAL = "hopital", _("Hôpital")
    COMMUNE = "commune", _("Commune")
    CCLP = "cclp", _("Comité consultatif des locataires et propriétaires (CCLP)")
    ASSOCIATION = "association", _("Association")
    OTHER = "autre", _("Autre")


class Partner(models.Model):
    """An organisation of the regional partner directory (shared by every SLSP).

    The directory holds organisations and professional contacts, never tenants: it is
    not SLSP-scoped. What an SLSP agreed with a partner lives in its agreements.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=PartnerType.choices)
    communes_served = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name=_("communes")
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=4, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        indexes = [models.Index(fields=["type", "commune"], name="partner_type_commune")]

    def __str__(self):
        return self.name
