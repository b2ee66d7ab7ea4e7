from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from apps.core.models import SlspOwnedModel, TimestampedModel, UuidModel


class Province(models.TextChoices):
    BRABANT_WALLON = "BW", _("Brabant wallon")
    HAINAUT = "HT", _("Hainaut")
    LIEGE = "LG", _("Liège")
    LUXEMBOURG = "LX", _("Luxembourg")
    NAMUR = "NA", _("Namur")


class Slsp(UuidModel, TimestampedModel):
    """A public-service housing company: the unit of data isolation."""

    official_name = models.CharField(_("dénomination officielle"), max_length=200, unique=True)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    head_office_commune = models.CharField(_("commune du siège"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    communes_served = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name=_("communes")
    )
    housing_units = models.PositiveIntegerField(_("logements"), null=True, blank=True)
    housing_units_year = models.PositiveSmallIntegerField(
        _("année du chiffre"), null=True, blank=True
    )
    is_demo = models.BooleanField(_("SLSP de démonstration"), default=False)

    class Meta:
        verbose_name = _("SLSP")
        verbose_name_plural = _("SLSP")
        ordering = ["official_name"]
        indexes = [models.Index(fields=["province"], name="slsp_province")]

    def __str__(self):
        return self.short_name or self.official_name

    @property
    def name(self) -> str:
        return str(self)


class ReferentPostQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


ReferentPostManager = models.Manager.from_queryset(ReferentPostQuerySet)


class ReferentPost(SlspOwnedModel):
    """A funded référent social post (one per SLSP, two in the largest)."""

    slsp = models.ForeignKey(
        Slsp, on_delete=models.CASCADE, related_name="referent_posts", verbose_name=_("SLSP")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_posts",
        verbose_name=_("titulaire"),
    )
    fte = models.DecimalField(
        _("équivalent temps plein"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10"))],
    )
    annual_funding = models.DecimalField(
        _("subside annuel (EUR)"), max_digits=10, decimal_places=2, default=Decimal("36000.00")
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)

    # The plugin types the base's run-time-built scoped manager as an unknown one.
    objects: ClassVar["ReferentPostManager[ReferentPost]"] = ScopedManager(  # type: ignore[assignment]
        slsp="slsp", _manager_class=ReferentPostManager
    )

    class Meta:
        verbose_name = _("poste de référent")
        verbose_name_plural = _("postes de référent")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="referentpost_dates_ordered",
                violation_error_message=_("La fin du poste précède son début."),
            )
        ]

    def __str__(self):
        return f"{self.slsp} — {self.person or _('poste vacant')}"


# --- Yearly action strategy ---


class StrategyItemKind(models.TextChoices):
    OBJECTIVE = "objectif", _("Objectif")
    AXIS = "axe", _("Axe prioritaire")


class ActionStrategy(SlspOwnedModel, TimestampedModel):
    """The référent's action strategy of one SLSP for one calendar year.

    Its objectives and locally chosen priority axes are what the semestrial
    evaluation reports on, so the strategy belongs to the SLSP (scoped).
    """

    slsp = models.ForeignKey(
        Slsp, on_delete=models.CASCADE, related_name="strategies", verbose_name=_("SLSP")
    )
    year = models.PositiveSmallIntegerField(
        _("année"),
        validators=[MinValueValidator(2011)],
    )
    summary = models.TextField(_("synthèse"), blank=True)
    # Bumped by every edit through the application (apps/core/versioning.py): an edit
    # started from an older version is refused instead of overwriting this one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("stratégie d'action")
        verbose_name_plural = _("stratégies d'action")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["slsp", "year"],
                name="strategy_one_per_slsp_year",
                violation_error_message=_("Cette SLSP a déjà une stratégie pour cette année."),
            )
        ]

    def __str__(self):
        return f"{self.slsp} — {self.year}"


class StrategyItem(SlspOwnedModel):
    """An objective or a priority axis of a yearly strategy."""

    strategy = models.ForeignKey(
        ActionStrategy,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("stratégie"),
    )
    # Denormalised from the strategy so that the scoped manager filters on it directly.
    slsp = models.ForeignKey(
        Slsp, on_delete=models.CASCADE, related_name="strategy_items", verbose_name=_("SLSP")
    )
    kind = models.CharField(_("type"), max_length=10, choices=StrategyItemKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("objectif ou axe prioritaire")
        verbose_name_plural = _("objectifs et axes prioritaires")
        ordering = ["kind", "order", "id"]
        indexes = [models.Index(fields=["strategy", "kind", "order"], name="strategyitem_order")]

    def __str__(self):
        return self.title


# --- SWL network of référents ---
# Events are regional (run by the SWL, not SLSP data): plain managers. Attendance and
# good-practice sheets carry the SLSP of the person so that counts per SLSP are one
# GROUP BY; who may read them is decided in queries.py.


class NetworkEventKind(models.TextChoices):
    TRAINING = "training", _("Formation")
    INTERVISION = "intervision", _("Intervision")
    EXCHANGE_DAY = "exchange_day", _("Journée d'échange")


class NetworkEvent(UuidModel, TimestampedModel):
    kind = models.CharField(_("type"), max_length=20, choices=NetworkEventKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("activité du réseau")
        verbose_name_plural = _("activités du réseau")
        ordering = ["-date", "title"]
        indexes = [models.Index(fields=["date"], name="networkevent_date")]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Attendance(models.Model):
    event = models.ForeignKey(
        NetworkEvent,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("activité"),
    )
    slsp = models.ForeignKey(
        Slsp, on_delete=models.CASCADE, related_name="network_attendances", verbose_name=_("SLSP")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_attendances",
        verbose_name=_("personne"),
    )
    present = models.BooleanField(_("présent"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                name="attendance_one_per_person",
                violation_error_message=_("La présence de cette personne est déjà encodée."),
            )
        ]
        indexes = [models.Index(fields=["slsp", "present"], name="attendance_slsp_present")]

    def __str__(self):
        return f"{self.event} — {self.person}"


class GoodPracticeSheet(UuidModel, TimestampedModel):
    """A good-practice sheet of the référents' shared library: read across SLSPs, so a
    plain manager (who may read it is decided in queries.py)."""

    slsp = models.ForeignKey(
        Slsp, on_delete=models.CASCADE, related_name="good_practices", verbose_name=_("SLSP")
    )
    title = models.CharField(_("titre"), max_length=200)
    domain = models.CharField(_("domaine"), max_length=120)
    summary = models.TextField(_("résumé"))
    what_worked = models.TextField(_("ce qui a fonctionné"), blank=True)
    partners_involved = models.TextField(_("partenaires impliqués"), blank=True)
    published = models.BooleanField(_("publiée"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name=_("auteur"),
    )

    class Meta:
        verbose_name = _("fiche de bonne pratique")
        verbose_name_plural = _("fiches de bonnes pratiques")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["published", "slsp"], name="goodpractice_pub_slsp")]

    def __str__(self):
        return self.title
