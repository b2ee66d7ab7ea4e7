import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from apps.core.models import SlspScopedModel


class Domain(models.TextChoices):
    HABITER = "habiter", _("Pédagogie de l'habiter")
    IMPAYES = "impayes", _("Impayés")
    RELOGEMENT = "relogement", _("Relogement")
    ACCUEIL = "accueil", _("Accueil")
    VOISINAGE = "voisinage", _("Voisinage")
    SPECIFIQUE = "specifique", _("Accompagnement spécifique")


class Outcome(models.TextChoices):
    STABILISED = "stabilise", _("Situation stabilisée")
    REHOUSED = "reloge", _("Relogé")
    REFERRED = "oriente", _("Orienté vers un partenaire")
    TENANT_REQUEST = "demande_locataire", _("Arrêt à la demande du locataire")
    CONSENT_WITHDRAWN = "retrait_consentement", _("Consentement retiré")
    LEFT = "depart", _("Départ du logement")
    OTHER = "autre", _("Autre")


class MomentKind(models.TextChoices):
    WELCOME = "accueil", _("Visite d'accueil")
    ARREARS = "entretien_impayes", _("Entretien impayés")
    REPAYMENT = "plan_apurement", _("Plan d'apurement")
    NEIGHBOUR = "plainte_voisinage", _("Plainte de voisinage")
    TECHNICAL = "visite_technique", _("Visite technique")
    WORKS = "travaux", _("Travaux")
    MOVE = "demenagement", _("Déménagement")
    RENT = "adaptation_loyer", _("Adaptation annuelle du loyer")
    OBLIGATIONS = "obligations", _("Information sur les obligations")
    ORIENTATION = "orientation", _("Orientation")
    HOME_VISIT = "visite_domicile", _("Visite à domicile")
    PHONE = "telephone", _("Appel téléphonique")
    OFFICE = "bureau", _("Rencontre au bureau")
    OTHER = "autre", _("Autre")


class ArrearsStage(models.TextChoices):
    REMINDER = "rappel", _("Rappel")
    PLAN = "plan", _("Plan d'apurement")
    LITIGATION = "contentieux", _("Contentieux")


class RelocationKind(models.TextChoices):
    TEMPORARY = "temporaire", _("Temporaire")
    DEFINITIVE = "definitif", _("Définitif")


class ObjectiveStatus(models.TextChoices):
    TODO = "a_faire", _("À atteindre")
    IN_PROGRESS = "en_cours", _("En cours")
    REACHED = "atteint", _("Atteint")
    PARTLY = "partiel", _("Partiellement atteint")
    NOT_REACHED = "non_atteint", _("Non atteint")
    DROPPED = "abandonne", _("Abandonné")


# What an objective may end as when its follow-up closes (an open status is not an end).
FINAL_OBJECTIVE_STATUSES = (
    ObjectiveStatus.REACHED,
    ObjectiveStatus.PARTLY,
    ObjectiveStatus.NOT_REACHED,
    ObjectiveStatus.DROPPED,
)


class Sensitivity(models.TextChoices):
    HEALTH = "sante", _("Santé")
    VIOLENCE = "violence", _("Violences")


class ConsentQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(
            Q(given_on__lte=day),
            Q(expires_on__isnull=True) | Q(expires_on__gte=day),
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day),
        )


class Consent(models.Model):
    """The tenant's free consent (libre adhésion): to a follow-up, and to sharing per partner."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "tenants.Household", on_delete=models.CASCADE, related_name="consents"
    )
    given_on = models.DateField(_("date du consentement"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    covers_follow_up = models.BooleanField(_("accepte un suivi"), default=True)
    share_with = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="+", verbose_name=_("partage avec")
    )
    expires_on = models.DateField(_("échéance"), null=True, blank=True)
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    note = models.CharField(_("remarque"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(
        slsp="slsp", _manager_class=models.Manager.from_queryset(ConsentQuerySet)
    )

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_expiry_after_given",
            )
        ]

    def __str__(self):
        return f"{self.household} — {self.given_on:%d/%m/%Y}"


class FollowUp(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "tenants.Household", on_delete=models.CASCADE, related_name="follow_ups"
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="follow_ups")
    domains = ArrayField(models.CharField(max_length=20, choices=Domain.choices))
    objective = models.CharField(_("objectif"), max_length=300)
    opened_on = models.DateField(_("ouvert le"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("clôturé le"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=30, choices=Outcome.choices, blank=True)
    closing_note = models.TextField(_("note de clôture"), max_length=2000, blank=True)
    arrears_amount = models.DecimalField(
        _("arriéré à l'ouverture (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    # Arrears context (domain "impayés").
    arrears_stage = models.CharField(
        _("stade des impayés"), max_length=20, choices=ArrearsStage.choices, blank=True
    )
    arrears_plan_followed = models.BooleanField(_("plan d'apurement suivi"), null=True, blank=True)
    # Relocation context (domain "relogement").
    relocation_works = models.ForeignKey(
        "tenants.RenovationWorks",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("travaux concernés"),
    )
    relocation_kind = models.CharField(
        _("relogement"), max_length=20, choices=RelocationKind.choices, blank=True
    )
    relocation_start = models.DateField(_("début du relogement"), null=True, blank=True)
    relocation_end = models.DateField(_("fin du relogement"), null=True, blank=True)
    # What comes next, so that the home can list the steps whose date has passed.
    next_step = models.CharField(_("prochaine étape"), max_length=200, blank=True)
    next_step_due = models.DateField(_("échéance de la prochaine étape"), null=True, blank=True)

    objects = ScopedManager(slsp="slsp")

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["slsp", "closed_on"], name="followup_slsp_closed")]

    def __str__(self):
        return f"{self.household} — {self.objective}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def domain_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.domains]


class Objective(models.Model):
    """One objective of a follow-up, with its status."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="objectives")
    text = models.CharField(_("objectif"), max_length=300)
    status = models.CharField(
        _("statut"), max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.TODO
    )
    updated_on = models.DateField(_("mis à jour le"), auto_now=True)

    objects = ScopedManager(slsp="slsp")

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["pk"]

    def __str__(self):
        return self.text


class MomentQuerySet(models.QuerySet):
    def done(self):
        """Moments that took place: a planned appointment counts in no figure until it
        is marked done."""
        return self.filter(planned=False)

    def appointments(self):
        return self.filter(planned=True)


class Moment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "tenants.Household", on_delete=models.CASCADE, related_name="moments"
    )
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="moments"
    )
    kind = models.CharField(_("type"), max_length=30, choices=MomentKind.choices)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=30)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    partners = models.ManyToManyField(
        "partners.Partner", blank=True, related_name="+", verbose_name=_("partenaires présents")
    )
    participants = models.CharField(_("qui a participé"), max_length=200, blank=True)
    note = models.CharField(_("note brève"), max_length=500, blank=True)
    # Health or violence: shown only after a logged "break-glass" reason.
    sensitivity = models.CharField(
        _("note sensible"), max_length=10, choices=Sensitivity.choices, blank=True
    )
    sensitive_note = models.TextField(_("contenu sensible"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # An appointment: planned, not yet done. Database default so that bulk writes (the
    # scale seed's COPY) and the monthly-summary triggers see done moments by default.
    planned = models.BooleanField(_("rendez-vous prévu"), default=False, db_default=False)
    time = models.TimeField(_("heure"), null=True, blank=True)

    objects = ScopedManager(
        slsp="slsp", _manager_class=models.Manager.from_queryset(MomentQuerySet)
    )

    class Meta:
        verbose_name = _("moment d'accompagnement")
        verbose_name_plural = _("moments d'accompagnement")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["slsp", "date"], name="moment_slsp_date"),
            # Last moment and count of each follow-up on the follow-up list's page.
            models.Index(fields=["follow_up", "date"], name="moment_followup_date"),
            # "First year without a welcome moment" on the référent's home.
            models.Index(
                fields=["household"],
                name="moment_household_welcome",
                condition=models.Q(kind=MomentKind.WELCOME),
            ),
            # The week view, the home's appointments and the personal calendar feed.
            models.Index(
                fields=["slsp", "date"],
                name="moment_planned_date",
                condition=models.Q(planned=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date:%d/%m/%Y}"


class WithdrawalPurpose(models.TextChoices):
    FOLLOW_UP = "suivi", _("Suivi")
    SHARING = "partage", _("Partage avec un partenaire")


class ConsentWithdrawal(SlspScopedModel):
    """One purpose of a consent withdrawn: the follow-up, or sharing with one partner.

    A consent covers a follow-up and/or sharing with several partners; the tenant may
    withdraw any part. The consent's live fields say what it still covers
    (`covers_follow_up`, `share_with`, `withdrawn_on` once nothing is left), so every
    existing check keeps reading them; these rows keep what was withdrawn, when and why.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="withdrawals")
    purpose = models.CharField(_("objet"), max_length=10, choices=WithdrawalPurpose.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partenaire"),
    )
    withdrawn_on = models.DateField(_("retiré le"))
    reason = models.CharField(_("motif"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retrait de consentement")
        verbose_name_plural = _("retraits de consentement")
        ordering = ["withdrawn_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="suivi", partner__isnull=True)
                | Q(purpose="partage", partner__isnull=False),
                name="consentwithdrawal_partner_iff_sharing",
            )
        ]

    def __str__(self):
        return f"{self.consent_id} {self.purpose} {self.withdrawn_on:%d/%m/%Y}"


class FollowUpReopening(SlspScopedModel):
    """A closed follow-up reopened: the closing it undid, who and why."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="reopenings")
    previous_closed_on = models.DateField(_("clôturé le"))
    previous_outcome = models.CharField(_("issue"), max_length=30, choices=Outcome.choices)
    previous_note = models.TextField(_("note de clôture"), blank=True)
    reason = models.CharField(_("motif"), max_length=500)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réouverture de suivi")
        verbose_name_plural = _("réouvertures de suivi")
        ordering = ["reopened_at", "pk"]

    def __str__(self):
        return f"{self.follow_up_id} {self.reopened_at:%d/%m/%Y}"


class RevisionAction(models.TextChoices):
    CORRECTED = "correction", _("Correction")
    DELETED = "suppression", _("Suppression")


class MomentRevision(SlspScopedModel):
    """A moment corrected or deleted, with its reason and the values before and after.

    `before`/`after` hold display-ready field values (labels, not codes) of the fields
    people may correct; never the text of a sensitive note (only whether it has one), as
    apps.accompaniment.sensitive requires of every history. A deleted moment's row stays
    (moment set to NULL) so the household's history still shows what was removed.
    """

    household = models.ForeignKey(
        "tenants.Household", on_delete=models.CASCADE, related_name="moment_revisions"
    )
    moment = models.ForeignKey(
        Moment, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    moment_uuid = models.UUIDField()
    action = models.CharField(_("action"), max_length=12, choices=RevisionAction.choices)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("motif"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correction de moment")
        verbose_name_plural = _("corrections de moments")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["household", "at"], name="momentrevision_household")]

    def __str__(self):
        return f"{self.action} {self.moment_uuid} {self.at:%d/%m/%Y}"


class MomentMonth(models.Model):
    """Moments per SLSP and calendar month, kept by database triggers on Moment
    (migration 0006): the regional table sums a few hundred of these rows instead of
    counting a semester of moments (about 150,000). Aggregates only, no household."""

    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slsp", "month"], name="momentmonth_slsp_month")
        ]

    def __str__(self):
        return f"{self.slsp_id} {self.month:%m/%Y}: {self.count}"


class CalendarFeed(models.Model):
    """A person's secret calendar URL: only the token's SHA-256 is stored, so the URL
    cannot be read back from the database; revoking deletes nothing but the access."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user_id} ({'revoked' if self.revoked_at else 'active'})"


# Registered with the app from its own module (see the module's docstring).
from apps.accompaniment.attachment_models import Attachment  # noqa: E402, F401
