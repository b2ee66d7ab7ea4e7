"""Semestrial evaluation reports of each SLSP and the SWL's regional report.

A `SemesterReport` is one version of one SLSP's report for one semester. A draft is
rewritten freely; validation by the direction freezes it (indicators snapshot and
evaluation text) and any later change is a new draft with the next version number.
Each PDF made of a version is a `ReportBuild`, kept with its checksum: builds of
earlier versions stay downloadable.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import SlspOwnedModel, SlspScopedModel, TimestampedModel, UuidModel
from apps.core.uploads import SafeUploadTo


class Semester(models.IntegerChoices):
    S1 = 1, _("1er semestre (janvier-juin)")
    S2 = 2, _("2e semestre (juillet-décembre)")


class ReportStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    # The direction sent it back with a comment: the référent edits it again.
    SENT_BACK = "renvoye", _("Renvoyé au référent")
    VALIDATED = "valide", _("Validé")


# States in which the référent may still write: at most one such version per semester.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.SENT_BACK)


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    BUILDING = "building", _("En cours de construction")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


ACTIVE_BUILD = Q(status__in=[BuildStatus.QUEUED, BuildStatus.BUILDING])

EVALUATION_MAX_LENGTH = 4000

YEAR_VALIDATORS = [MinValueValidator(2011), MaxValueValidator(2100)]


class SemesterReport(SlspOwnedModel, TimestampedModel):
    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    semester = models.PositiveSmallIntegerField(_("semestre"), choices=Semester.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("statut"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Draft: the last computed indicators. Validated: frozen, never recomputed.
    indicators = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("synthèse de l'évaluation"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    # Set when the direction confirmed, at validation, that the evaluation names no person:
    # only then does the SWL read its texts.
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rapport semestriel")
        verbose_name_plural = _("rapports semestriels")
        ordering = ["-year", "-semester", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["slsp", "year", "semester", "version"], name="semesterreport_version"
            ),
            # At most one draft per semester: the next version starts after validation.
            models.UniqueConstraint(
                fields=["slsp", "year", "semester"],
                condition=Q(status__in=["brouillon", "renvoye"]),
                name="semesterreport_one_draft",
            ),
        ]

    def __str__(self):
        return f"{self.slsp} — S{self.semester} {self.year} v{self.version}"

    @property
    def label(self) -> str:
        return f"S{self.semester} {self.year}"

    @property
    def is_draft(self) -> bool:
        """Editable: a draft, or a version the direction sent back."""
        return self.status in EDITABLE_STATUSES

    @property
    def is_sent_back(self) -> bool:
        return self.status == ReportStatus.SENT_BACK

    @property
    def is_released(self) -> bool:
        return self.status == ReportStatus.VALIDATED and self.released_at is not None


class ReportEventKind(models.TextChoices):
    SENT_BACK = "sent_back", _("Renvoyé au référent")
    VALIDATED = "validated", _("Validé")
    RELEASED = "released", _("Transmis à la SWL")


class ReportEvent(SlspScopedModel):
    """Who sent back, validated or released a version, when, and why: append-only."""

    report = models.ForeignKey(SemesterReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ReportEventKind.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("étape d'un rapport semestriel")
        verbose_name_plural = _("étapes des rapports semestriels")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report_id} {self.kind}"


class ItemEvaluation(SlspOwnedModel):
    """The référent's qualitative evaluation of one objective or priority axis."""

    report = models.ForeignKey(SemesterReport, on_delete=models.CASCADE, related_name="evaluations")
    item = models.ForeignKey(
        "slsps.StrategyItem", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Copied from the item: a frozen version keeps its wording if the strategy changes.
    kind = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    worked = models.TextField(
        _("ce qui a fonctionné"), blank=True, max_length=EVALUATION_MAX_LENGTH
    )
    obstacles = models.TextField(
        _("obstacles rencontrés"), blank=True, max_length=EVALUATION_MAX_LENGTH
    )
    next_steps = models.TextField(
        _("prochaines étapes"), blank=True, max_length=EVALUATION_MAX_LENGTH
    )

    class Meta:
        verbose_name = _("évaluation d'un objectif")
        verbose_name_plural = _("évaluations des objectifs")
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="itemevaluation_one_per_item")
        ]

    def __str__(self):
        return self.title


class BuildFields(UuidModel):
    """Progress and result of a background PDF build."""

    status = models.CharField(
        _("statut"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in (BuildStatus.QUEUED, BuildStatus.BUILDING)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ReportBuild(BuildFields, SlspScopedModel):
    """One PDF of one report version. Private file: served by an authorised view only."""

    report = models.ForeignKey(SemesterReport, on_delete=models.CASCADE, related_name="builds")
    pdf = models.FileField(upload_to=SafeUploadTo("reports/semester"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("PDF d'un rapport semestriel")
        verbose_name_plural = _("PDF des rapports semestriels")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Idempotent requests: one build at a time per report version.
            models.UniqueConstraint(
                fields=["report"], condition=ACTIVE_BUILD, name="reportbuild_one_active"
            )
        ]

    def __str__(self):
        return f"{self.report} — {self.get_status_display()}"


class RegionalReport(BuildFields):
    """The SWL's regional report of one semester: counts only, no person."""

    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    semester = models.PositiveSmallIntegerField(_("semestre"), choices=Semester.choices)
    slsp_count = models.PositiveSmallIntegerField(default=0)
    slsps_done = models.PositiveSmallIntegerField(default=0)
    # Per-SLSP results as the parallel tasks return them (aggregates only).
    data = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to=SafeUploadTo("reports/regional"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rapport régional")
        verbose_name_plural = _("rapports régionaux")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "semester"],
                condition=ACTIVE_BUILD,
                name="regionalreport_one_active",
            )
        ]

    def __str__(self):
        return f"S{self.semester} {self.year} — {self.get_status_display()}"

    @property
    def label(self) -> str:
        return f"S{self.semester} {self.year}"
