"""Calls for projects, dossiers, jury assignments, scores and decisions.

A call is regional (the SWL runs it). A dossier belongs to several SLSPs at once (a
lead SLSP and co-applicants): its scope is the set of `DossierApplicant` rows, so the
dossier's scoped manager follows `applicants__slsp`, and every read goes through
`queries.dossiers_for(user)`.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from apps.core.models import SlspScopedModel, TimestampedModel, UuidModel
from apps.core.uploads import SafeUploadTo


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouvert aux dossiers")
    CLOSED = "closed", _("Clôturé")
    REVIEW = "review", _("En évaluation par le jury")
    DELIBERATION = "deliberation", _("En délibération")
    DECIDED = "decided", _("Décidé")


class Domain(models.TextChoices):
    HABITER = "habiter", _("Pédagogie de l'habiter")
    IMPAYES = "impayes", _("Lutte contre les impayés")
    RELOGEMENT = "relogement", _("Aide au relogement")
    VOISINAGE = "voisinage", _("Relations de voisinage et cohésion")
    INSERTION = "insertion", _("Insertion sociale")


class TargetPublic(models.TextChoices):
    TRANSIT = "transit", _("Locataires de logements de transit")
    INSERTION = "insertion", _("Locataires de logements d'insertion")
    ACCOMPAGNE = "accompagne", _("Locataires de logements sociaux accompagnés")


class Call(UuidModel, TimestampedModel):
    title = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    jury_meeting_on = models.DateField(_("réunion du jury"), null=True, blank=True)
    total_budget = models.DecimalField(
        _("budget total (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    ceiling_per_dossier = models.DecimalField(
        _("plafond par dossier (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    disagreement_threshold = models.DecimalField(
        _("seuil de désaccord (écart-type, en points)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0.10"))],
        help_text=_("Au-delà de cet écart-type sur un critère, le dossier est signalé."),
    )
    deliberation_notes = models.TextField(_("notes de délibération"), blank=True)
    scoring_deadline = models.DateTimeField(
        _("remise des évaluations"),
        null=True,
        blank=True,
        help_text=_("Heure de Bruxelles : les jurés en retard reçoivent un rappel avant."),
    )
    jurors_per_dossier = models.PositiveSmallIntegerField(
        _("jurés par dossier"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text=_("Un conflit qui laisse un dossier sous ce nombre alerte le président."),
    )
    # The jurors present at the deliberation meeting (named in the minutes).
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("membres du jury présents"),
    )

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(ceiling_per_dossier__lte=models.F("total_budget")),
                name="call_ceiling_within_budget",
            ),
        ]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("appel")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label = models.CharField(_("critère"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("poids"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    scale_min = models.PositiveSmallIntegerField(_("note minimale"), default=0)
    scale_max = models.PositiveSmallIntegerField(
        _("note maximale"), default=5, validators=[MaxValueValidator(100)]
    )
    counts = models.BooleanField(
        _("compte dans le total"),
        default=True,
        help_text=_("Décochez pour un critère qui informe le jury sans entrer dans le total."),
    )

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_order"
            )
        ]

    def __str__(self):
        return self.label


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    WITHDRAWN = "withdrawn", _("Retiré")


class Dossier(UuidModel):
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("appel")
    )
    lead_slsp = models.ForeignKey(
        "slsps.Slsp",
        on_delete=models.PROTECT,
        related_name="lead_dossiers",
        verbose_name=_("SLSP porteuse"),
    )
    title = models.CharField(_("titre du projet"), max_length=250)
    summary = models.TextField(_("résumé"), blank=True)
    domains = ArrayField(
        models.CharField(max_length=20, choices=Domain.choices),
        default=list,
        blank=True,
        verbose_name=_("domaines"),
    )
    target_publics = ArrayField(
        models.CharField(max_length=20, choices=TargetPublic.choices),
        default=list,
        blank=True,
        verbose_name=_("publics visés"),
    )
    partners = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="call_dossiers", verbose_name=_("partenaires")
    )
    requested_amount = models.DecimalField(
        _("montant demandé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    # The direction of the lead SLSP approves the dossier as it stands; any later edit
    # withdraws the approval (services.withdraw_approval), so what is submitted is what
    # the direction read.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approuvé par"),
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    # Deny by default: with no SLSP scope open, a query raises.
    objects = ScopedManager(slsp="applicants__slsp")

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["call", "title"]
        indexes = [models.Index(fields=["call", "status"], name="dossier_call_status")]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status == DossierStatus.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def budget_total(self) -> Decimal:
        """The detailed budget's total (reads the prefetched lines when present)."""
        return sum((line.amount for line in self.budget_lines.all()), Decimal(0))

    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.domains if d in Domain.values]

    def public_labels(self) -> list[str]:
        return [str(TargetPublic(p).label) for p in self.target_publics if p in TargetPublic.values]

    def applicant_slsp_ids(self) -> list[int]:
        """The SLSPs applying (lead first); uses the prefetched applicants when present."""
        if "applicants" in getattr(self, "_prefetched_objects_cache", {}):
            ids = [a.slsp_id for a in self.applicants.all()]
        else:
            # The request's scope would hide the other applicants: read them all.
            ids = list(
                DossierApplicant.objects.with_scopes_disabled()
                .filter(dossier=self)
                .values_list("slsp_id", flat=True)
            )
        return sorted(ids, key=lambda i: (i != self.lead_slsp_id, i))


class DossierApplicant(SlspScopedModel):
    """One SLSP applying for a dossier (the lead one included): the dossier's scope."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="applicants")
    slsp = models.ForeignKey(
        "slsps.Slsp",
        on_delete=models.PROTECT,
        related_name="call_applications",
        verbose_name=_("SLSP"),
    )
    is_lead = models.BooleanField(_("SLSP porteuse"), default=False)

    class Meta:
        verbose_name = _("SLSP candidate")
        verbose_name_plural = _("SLSP candidates")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "slsp"], name="applicant_unique"),
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(is_lead=True), name="applicant_one_lead"
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} — {self.slsp_id}"


class Action(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    individual = models.BooleanField(_("dimension individuelle"), default=False)
    collective = models.BooleanField(_("dimension collective"), default=False)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["dossier", "position", "pk"]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="budget_lines")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("poste"), max_length=200)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["dossier", "position", "pk"]

    def __str__(self):
        return self.label


class Attachment(UuidModel):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(_("fichier PDF"), upload_to=SafeUploadTo("calls"), max_length=200)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("annexe")
        verbose_name_plural = _("annexes")
        ordering = ["dossier", "uploaded_at"]

    def __str__(self):
        return self.title


class DossierVersion(UuidModel):
    """The dossier as submitted, frozen (JSON), with its PDF receipt."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("numéro"))
    snapshot = models.JSONField(_("contenu déposé"))
    submitted_at = models.DateTimeField(_("déposée le"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    receipt = models.FileField(
        _("accusé de réception"), upload_to=SafeUploadTo("calls/receipts"), max_length=200
    )

    class Meta:
        verbose_name = _("version déposée")
        verbose_name_plural = _("versions déposées")
        ordering = ["dossier", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="dossierversion_unique")
        ]

    def __str__(self):
        return f"{self.dossier_id} v{self.number}"


class Assignment(UuidModel):
    """A juror asked to score one dossier; holds the conflict declaration and the review."""

    class Conflict(models.TextChoices):
        UNDECLARED = "undeclared", _("Non déclaré")
        NONE = "none", _("Pas de conflit")
        CONFLICT = "conflict", _("Conflit d'intérêts")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Évaluation remise")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assignments")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jury_assignments",
        verbose_name=_("juré"),
    )
    conflict = models.CharField(
        _("conflit d'intérêts"),
        max_length=12,
        choices=Conflict.choices,
        default=Conflict.UNDECLARED,
    )
    conflict_reason = models.CharField(_("motif du conflit"), max_length=500, blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    overall_comment = models.TextField(_("commentaire général"), blank=True)
    submitted_at = models.DateTimeField(_("remise le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # The last reminder sent to the juror about this assignment (at most one a day).
    reminded_at = models.DateTimeField(_("dernier rappel"), null=True, blank=True)

    class Meta:
        verbose_name = _("attribution au jury")
        verbose_name_plural = _("attributions au jury")
        ordering = ["dossier", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "juror"], name="assignment_unique")
        ]

    def __str__(self):
        return f"{self.juror_id} → {self.dossier_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Score(models.Model):
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("attribution au jury"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("critère")
    )
    value = models.DecimalField(_("note"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Retenu")
    WAITING = "waiting", _("Liste d'attente")
    REJECTED = "rejected", _("Non retenu")


class Decision(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("décision"), max_length=12, choices=Outcome.choices)
    granted_amount = models.DecimalField(
        _("montant accordé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    rationale = models.TextField(_("motivation"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), auto_now=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return f"{self.dossier_id}: {self.outcome}"
