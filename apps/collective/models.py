"""Collective and community actions of an SLSP (fête des voisins, école de devoirs ...)
and their sessions with attendance counts.

Attendance is counted, never named: a session records how many people came, how many
of them are tenants and how many volunteers helped, so the semestrial and regional
indicators can be built from it without personal data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from apps.core.search import Folded, trigram_index


class CollectiveKind(models.TextChoices):
    FETE_VOISINS = "fete_voisins", _("Fête des voisins")
    ESPACE_PUBLIC = "espace_public", _("Création d'un espace public")
    PLAINE = "plaine_vacances", _("Plaine de vacances")
    ECOLE_DEVOIRS = "ecole_devoirs", _("École de devoirs")
    ATELIER_EXPRESSION = "atelier_expression", _("Atelier d'expression")
    ATELIER_PAROLE = "atelier_parole", _("Atelier de prise de parole")
    ETE_SOLIDAIRE = "ete_solidaire", _("Été solidaire")
    IMMEUBLES_EN_FETE = "immeubles_en_fete", _("Immeubles en fête")
    REUNION_CCLP = "reunion_cclp", _("Réunion CCLP")
    SEANCE_INFO = "seance_information", _("Séance d'information")
    OTHER = "autre", _("Autre")


class CollectiveAction(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.CASCADE, related_name="+", verbose_name=_("SLSP")
    )
    kind = models.CharField(_("type d'action"), max_length=30, choices=CollectiveKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    district = models.CharField(_("quartier / cité"), max_length=100, blank=True)
    objective = models.TextField(_("objectif"), max_length=1000)
    partners = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="+", verbose_name=_("partenaires associés")
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    # The referent's qualitative evaluation: what changed, beyond the counts.
    outcome = models.TextField(_("résultat qualitatif"), max_length=3000, blank=True)
    outcome_recorded_on = models.DateField(_("résultat noté le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit through the application (apps/core/versioning.py): an edit
    # started from an older version is refused instead of overwriting this one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_text = models.GeneratedField(
        expression=Folded(F("title"), F("district")),
        output_field=models.TextField(),
        db_persist=True,
    )

    objects = ScopedManager(slsp="slsp")

    class Meta:
        # The table keeps the name it had when the model lived in apps.accompaniment.
        db_table = "accompaniment_collectiveaction"
        verbose_name = _("action collective")
        verbose_name_plural = _("actions collectives")
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["slsp", "start_date"], name="collective_slsp_start"),
            trigram_index("search_text", "collective_search_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="collective_dates_ordered",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
        ]

    def __str__(self):
        return self.title


class ActionSession(models.Model):
    """One session (séance) of a collective action, with its attendance counts."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action = models.ForeignKey(CollectiveAction, on_delete=models.CASCADE, related_name="sessions")
    # Denormalised from the action so that the scoped manager can filter on it.
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("participants"))
    tenants = models.PositiveIntegerField(_("dont locataires"))
    volunteers = models.PositiveIntegerField(_("bénévoles"), default=0)
    note = models.CharField(_("note brève"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(slsp="slsp")

    class Meta:
        db_table = "accompaniment_actionsession"
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["slsp", "date"], name="actionsession_slsp_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=0) & Q(tenants__gte=0) & Q(volunteers__gte=0),
                name="actionsession_counts_not_negative",
                violation_error_message=_("Les nombres ne peuvent pas être négatifs."),
            ),
            models.CheckConstraint(
                condition=Q(tenants__lte=F("participants")),
                name="actionsession_tenants_within_participants",
                violation_error_message=_(
                    "Le nombre de locataires ne peut pas dépasser le nombre de participants."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.action} — {self.date:%d/%m/%Y}"
