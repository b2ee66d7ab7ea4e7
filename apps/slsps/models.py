import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Province(models.TextChoices):
    BRABANT_WALLON = "BW", _("Brabant wallon")
    HAINAUT = "HT", _("Hainaut")
    LIEGE = "LG", _("Liège")
    LUXEMBOURG = "LX", _("Luxembourg")
    NAMUR = "NA", _("Namur")


class Slsp(models.Model):
    """A public-service housing company: the unit of data isolation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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


class ReferentPost(models.Model):
    """A funded référent social post (one per SLSP, two in the largest)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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

    objects = ScopedManager(
        slsp="slsp", _manager_class=models.Manager.from_queryset(ReferentPostQuerySet)
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

    @property
    def is_filled(self) -> bool:
        return self.person_id is not None
