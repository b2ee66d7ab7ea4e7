import datetime
import re
import unicodedata
from typing import ClassVar

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from apps.core.models import SlspOwnedModel, SlspScopedModel, TimestampedModel, UuidModel
from apps.core.search import Folded, trigram_index
from apps.core.uploads import SafeUploadTo

EXPIRY_WARNING_DAYS = 60


def normalize_name(value: str) -> str:
    """Lower case, no accents, single spaces: what duplicate detection compares."""
    ascii_value = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_value.lower()).strip()


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


class Partner(UuidModel, TimestampedModel):
    """An organisation of the regional partner directory (shared by every SLSP).

    The directory holds organisations and professional contacts, never tenants: it is
    not SLSP-scoped. What an SLSP agreed with a partner lives in its agreements.
    """

    name = models.CharField(_("nom"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=PartnerType.choices)
    # Bumped by every edit through the application (apps/core/versioning.py): an edit
    # started from an older version is refused instead of overwriting this one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    communes_served = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name=_("communes")
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=4, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("missions"), blank=True)
    # Accent- and case-free copy of the name, kept by save(): duplicate detection
    # compares this column, so it works on any PostgreSQL, with or without unaccent.
    normalized_name = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    search_text = models.GeneratedField(
        expression=Folded(F("name"), F("commune")),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["type", "commune"], name="partner_type_commune"),
            trigram_index("search_text", "partner_search_gin"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalized_name"}
        super().save(*args, **kwargs)


class PartnerContactQuerySet(models.QuerySet):
    def directory(self):
        """Contacts of the regional directory, which any référent may edit."""
        return self.filter(slsp__isnull=True)


class PartnerContact(UuidModel, TimestampedModel):
    """A professional contact person at a partner.

    With no `slsp`, the contact belongs to the regional directory: every référent may
    correct it. With an `slsp`, it is that SLSP's own copy, the only kind an agreement
    uses, so the address a partner link goes to is never in a record another SLSP
    can change.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partenaire")
    )
    slsp = models.ForeignKey(
        "slsps.Slsp",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLSP propriétaire"),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("copié de l'annuaire"),
    )
    name = models.CharField(_("nom"), max_length=150)
    function = models.CharField(_("fonction"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = PartnerContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        constraints = [
            # One copy of a directory contact per SLSP: agreements share it.
            models.UniqueConstraint(
                fields=["slsp", "copied_from"],
                condition=Q(copied_from__isnull=False),
                name="partnercontact_one_copy_per_slsp",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.function})" if self.function else self.name


class SlspPartner(SlspScopedModel):
    """An SLSP's link to a partner of the regional directory: its network."""

    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.CASCADE, related_name="partner_links", verbose_name=_("SLSP")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="slsp_links", verbose_name=_("partenaire")
    )
    since = models.DateField(_("dans le réseau depuis"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partenaire du réseau d'une SLSP")
        verbose_name_plural = _("réseaux des SLSP")
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["slsp", "partner"], name="slsppartner_unique")
        ]

    def __str__(self):
        return f"{self.slsp} — {self.partner}"

    def absorb_duplicate(self, other: "SlspPartner") -> list[str]:
        """Merge hook: the SLSP was linked to both partners; keep the earliest link."""
        changed = []
        if other.since < self.since:
            self.since = other.since
            changed.append("since")
        if other.note and other.note not in self.note:
            self.note = "; ".join(n for n in (self.note, other.note) if n)[:300]
            changed.append("note")
        return changed


class AgreementStatus(models.TextChoices):
    UPCOMING = "upcoming", _("À venir")
    ACTIVE = "active", _("En cours")
    EXPIRING = "expiring", _("Expire bientôt")
    EXPIRED = "expired", _("Expirée")


class AgreementQuerySet(models.QuerySet):
    def with_status(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        return self.annotate(
            status=Case(
                When(end_date__lt=today, then=Value(AgreementStatus.EXPIRED.value)),
                When(start_date__gt=today, then=Value(AgreementStatus.UPCOMING.value)),
                When(end_date__lte=soon, then=Value(AgreementStatus.EXPIRING.value)),
                default=Value(AgreementStatus.ACTIVE.value),
                output_field=models.CharField(),
            )
        )

    def active_on(self, day: datetime.date):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def expiring_within(self, days: int, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            start_date__lte=today,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=days),
        )


AgreementManager = models.Manager.from_queryset(AgreementQuerySet)


class Agreement(SlspOwnedModel, TimestampedModel):
    """A convention between one SLSP and one partner of the directory."""

    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.CASCADE, related_name="agreements", verbose_name=_("SLSP")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partenaire")
    )
    purpose = models.CharField(_("objet"), max_length=300)
    # Bumped by every edit through the application (apps/core/versioning.py): an edit
    # started from an older version is refused instead of overwriting this one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    shares_data = models.BooleanField(_("clause de partage de données"), default=False)
    shared_data = models.TextField(_("données partagées"), blank=True)
    priority_rules = models.TextField(_("règles de priorité des orientations"), blank=True)
    response_days = models.PositiveSmallIntegerField(
        _("délai de réponse convenu (jours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    contacts = models.ManyToManyField(
        PartnerContact, blank=True, related_name="agreements", verbose_name=_("contacts")
    )
    document = models.FileField(
        _("convention signée (PDF)"),
        upload_to=SafeUploadTo("agreements"),
        blank=True,
        max_length=200,
    )
    document_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    document_uploaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    # The plugin types the base's run-time-built scoped manager as an unknown one.
    objects: ClassVar["AgreementManager[Agreement]"] = ScopedManager(  # type: ignore[assignment]
        slsp="slsp", _manager_class=AgreementManager
    )

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["end_date"]
        indexes = [models.Index(fields=["slsp", "end_date"], name="agreement_slsp_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="agreement_dates_ordered",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(shares_data=True) | Q(shared_data=""),
                name="agreement_shared_data_needs_clause",
                violation_error_message=_(
                    "Les données partagées ne se décrivent que si la clause de partage est cochée."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.purpose}"

    # Set by `AgreementQuerySet.with_status()` only: an annotation, not a column.
    status: str

    @property
    def status_label(self) -> str:
        """Label of the `status` annotated by `AgreementQuerySet.with_status()`."""
        return str(AgreementStatus(self.status).label)

    @property
    def days_left(self) -> int:
        return (self.end_date - timezone.localdate()).days


class AgreementAlert(SlspScopedModel):
    """An expiry alert already sent: at most one per agreement and threshold."""

    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.CASCADE, related_name="+", verbose_name=_("SLSP")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("convention")
    )
    threshold_days = models.PositiveSmallIntegerField(_("jours avant l'échéance"))
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    recipients = models.PositiveSmallIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("alerte d'échéance")
        verbose_name_plural = _("alertes d'échéance")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "threshold_days"], name="agreementalert_once"
            )
        ]

    def __str__(self):
        return f"{self.agreement_id} J-{self.threshold_days}"


class PartnerMerge(models.Model):
    """Audit of a merge: which duplicate went into which partner, by whom."""

    kept = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="merges", verbose_name=_("conservé")
    )
    merged_name = models.CharField(_("doublon fusionné"), max_length=200)
    merged_uuid = models.UUIDField(_("identifiant du doublon"))
    moved = models.JSONField(_("éléments déplacés"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("fusionné par"),
    )
    merged_at = models.DateTimeField(_("fusionné le"), default=timezone.now)

    class Meta:
        verbose_name = _("fusion de partenaires")
        verbose_name_plural = _("fusions de partenaires")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged_name} → {self.kept}"


# Change history of the directory (who, when, before/after), shown on the partner's page:
# the directory is shared by every SLSP, so each correction must stay visible. Written by
# PostgreSQL triggers (bulk updates and merges included), append-only like apps/audit.
def _track(model, fields: list[str]) -> None:
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        fields=fields,
        model_name=f"{model.__name__}History",
        append_only=True,
        obj_field=pghistory.ObjForeignKey(related_name="history"),
    )(model)


PARTNER_HISTORY_FIELDS = [
    "name",
    "type",
    "communes_served",
    "address",
    "postal_code",
    "commune",
    "phone",
    "email",
    "website",
    "description",
]
CONTACT_HISTORY_FIELDS = ["partner", "slsp", "name", "function", "phone", "email"]

_track(Partner, PARTNER_HISTORY_FIELDS)
_track(PartnerContact, CONTACT_HISTORY_FIELDS)
