from typing import ClassVar

from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from apps.core.models import SlspOwnedModel, SlspScopedModel, TimestampedModel
from apps.core.search import Compacted, Folded, trigram_index


class Category(models.TextChoices):
    SOCIAL = "social", _("Social / d'utilité publique")
    MOYEN = "moyen", _("Moyen")
    INSERTION = "insertion", _("Insertion")
    TRANSIT = "transit", _("Transit")
    ADAPTE = "adapte", _("Adapté")
    SOCIAL_ASSIMILE = "social_assimile", _("Social assimilé")


class Language(models.TextChoices):
    FR = "fr", _("Français")
    DE = "de", _("Allemand")
    NL = "nl", _("Néerlandais")
    OTHER = "autre", _("Autre")


def reference_key(reference: str) -> str:
    """A tenancy reference as a spreadsheet cannot change it: without spaces, upper-cased,
    without leading zeros (Excel reads `009901` as the number 9901). Mirrors the SQL of
    `Household.reference_key`, which is what the database indexes."""
    return "".join(reference.split()).upper().lstrip("0")


def _reference_key_sql() -> Func:
    no_spaces = Func(
        F("reference"), Value(r"\s+"), Value(""), Value("g"), function="REGEXP_REPLACE"
    )
    return Func(Upper(no_spaces), Value("0"), function="LTRIM")


def unit_label(address: str, postal_code: str, commune: str) -> str:
    """How a housing unit is named on every page (its str(), and rows read as JSON)."""
    return f"{address}, {postal_code} {commune}"


class HousingUnit(SlspOwnedModel):
    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.CASCADE, related_name="+", verbose_name=_("SLSP")
    )
    address = models.CharField(_("adresse"), max_length=250)
    postal_code = models.CharField(_("code postal"), max_length=4)
    commune = models.CharField(_("commune"), max_length=100)
    district = models.CharField(_("quartier / cité"), max_length=120, blank=True)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    # What every search compares (apps/core/search.py), written by PostgreSQL with the row.
    search_text = models.GeneratedField(
        expression=Folded(F("address"), F("postal_code"), F("commune")),
        output_field=models.TextField(),
        db_persist=True,
    )
    address_compact = models.GeneratedField(
        expression=Compacted(F("address")), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        verbose_name = _("logement")
        verbose_name_plural = _("logements")
        constraints = [
            models.UniqueConstraint(
                fields=["slsp", "address", "postal_code"], name="unit_unique_address"
            )
        ]
        indexes = [
            models.Index(fields=["slsp", "district"], name="unit_slsp_district"),
            trigram_index("search_text", "unit_search_gin"),
            trigram_index("address_compact", "unit_compact_gin"),
        ]

    def __str__(self):
        return unit_label(self.address, self.postal_code, self.commune)


class Household(SlspOwnedModel, TimestampedModel):
    """A tenant household, known by the SLSP's own tenancy reference."""

    reference = models.CharField(_("référence du bail"), max_length=40)
    size = models.PositiveSmallIntegerField(_("taille du ménage"), default=1)
    language = models.CharField(
        _("langue"), max_length=5, choices=Language.choices, default=Language.FR
    )
    display_name = models.CharField(_("nom du ménage"), max_length=200, blank=True)
    search_text = models.GeneratedField(
        expression=Folded(F("display_name"), F("reference")),
        output_field=models.TextField(),
        db_persist=True,
    )
    reference_compact = models.GeneratedField(
        expression=Compacted(F("reference")), output_field=models.TextField(), db_persist=True
    )
    # Identity across exports: written by PostgreSQL from the reference, so no write path
    # (bulk_create, COPY) can forget it; the importer matches households on it.
    reference_key = models.GeneratedField(
        expression=_reference_key_sql(),
        output_field=models.CharField(max_length=40),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("ménage")
        verbose_name_plural = _("ménages")
        ordering = ["display_name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["slsp", "reference"], name="household_unique_reference")
        ]
        indexes = [
            models.Index(fields=["slsp", "reference_key"], name="household_slsp_refkey"),
            trigram_index("search_text", "household_search_gin"),
            trigram_index("reference_compact", "household_compact_gin"),
        ]

    def __str__(self):
        return self.display_name or self.reference


class TenancyQuerySet(models.QuerySet):
    def current(self, day):
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


TenancyManager = models.Manager.from_queryset(TenancyQuerySet)


class Tenancy(SlspOwnedModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="tenancies")
    # RESTRICT, not PROTECT: deleting a whole SLSP cascades through both.
    unit = models.ForeignKey(HousingUnit, on_delete=models.RESTRICT, related_name="tenancies")
    start_date = models.DateField(_("début du bail"))
    end_date = models.DateField(_("fin du bail"), null=True, blank=True)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    accompanied = models.BooleanField(_("locataire accompagné"), default=False)
    public = models.CharField(_("public spécifique"), max_length=120, blank=True)

    # The plugin types the base's run-time-built scoped manager as an unknown one.
    objects: ClassVar["TenancyManager[Tenancy]"] = ScopedManager(  # type: ignore[assignment]
        slsp="slsp", _manager_class=TenancyManager
    )

    class Meta:
        verbose_name = _("bail")
        verbose_name_plural = _("baux")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="tenancy_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["household", "start_date"], name="tenancy_unique_start"
            ),
        ]
        indexes = [models.Index(fields=["slsp", "start_date"], name="tenancy_slsp_start")]

    def __str__(self):
        return f"{self.household} — {self.unit}"


class LastTenancy(SlspScopedModel):
    """Each household's latest tenancy (by start date) with the columns the household
    list shows and filters on, written only by the triggers on tenants_tenancy
    (migration 0004). The list reads one small row per household instead of a
    correlated subquery per column and per row, and its filters scan this table by SLSP
    instead of every tenancy with an anti-join (bench/NOTES.md).

    A table of its own, not columns of Household: a household saved from a stale
    instance would write old values back. DO_NOTHING: the triggers remove the row when
    the household's last tenancy goes, within the same statement."""

    household = models.OneToOneField(
        Household, on_delete=models.DO_NOTHING, primary_key=True, related_name="latest"
    )
    tenancy = models.ForeignKey(Tenancy, on_delete=models.DO_NOTHING, related_name="+")
    slsp = models.ForeignKey("slsps.Slsp", on_delete=models.DO_NOTHING, related_name="+")
    unit = models.ForeignKey(HousingUnit, on_delete=models.DO_NOTHING, related_name="+")
    category = models.CharField(max_length=20, choices=Category.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True)

    class Meta:
        verbose_name = _("dernier bail")
        verbose_name_plural = _("derniers baux")
        indexes = [models.Index(fields=["slsp", "category"], name="lasttenancy_slsp_category")]

    def __str__(self):
        return f"{self.household_id} → {self.tenancy_id}"


class Member(SlspOwnedModel):
    """A household member with minimal data: never a national register number."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    relation = models.CharField(_("lien"), max_length=40, blank=True)
    # A member who left is ended, not deleted: the household's history keeps them.
    left_on = models.DateField(_("a quitté le ménage le"), null=True, blank=True)
    search_text = models.GeneratedField(
        expression=Folded(F("last_name"), F("first_name")),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("membre du ménage")
        verbose_name_plural = _("membres du ménage")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "first_name", "last_name", "birth_year"],
                name="member_unique_person",
                nulls_distinct=False,
            )
        ]
        indexes = [trigram_index("search_text", "member_search_gin")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class ImportJob(SlspOwnedModel):
    """An uploaded export kept between the dry run and the user's confirmation."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("vérifié")
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        APPLIED = "applied", _("importé")
        FAILED = "failed", _("échoué")

    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("fichier"), max_length=200)
    sheet = models.CharField(_("feuille"), max_length=100, blank=True)
    data = models.BinaryField()
    full_export = models.BooleanField(_("export complet"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(default=dict)
    # Progress of a background apply; written outside the import transaction.
    confirm_end = models.BooleanField(default=False)
    # Above TENANT_IMPORT_MAX_CLOSE_SHARE the user types the number of leases to close.
    confirm_end_count = models.PositiveIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import de l'export locatif")
        verbose_name_plural = _("imports de l'export locatif")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


class ImportChange(SlspOwnedModel):
    """One change an applied import made, field by field: the import's change history."""

    class Kind(models.TextChoices):
        CREATED = "created", _("créé")
        MODIFIED = "modified", _("modifié")
        ENDED = "ended", _("terminé")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="changes")
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, related_name="import_changes"
    )
    reference = models.CharField(_("référence du bail"), max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(_("objet"), max_length=60)
    field = models.CharField(_("champ"), max_length=60, blank=True)
    old = models.CharField(_("ancienne valeur"), max_length=300, blank=True)
    new = models.CharField(_("nouvelle valeur"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("modification par import")
        verbose_name_plural = _("modifications par import")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.reference} {self.subject} {self.field}"


class WorksKind(models.TextChoices):
    PEI = "pei", _("Programme d'investissement (PEI)")
    ENERGY = "energie", _("Rénovation énergétique")
    SAFETY = "securite", _("Mise en conformité / sécurité")
    DEMOLITION = "demolition", _("Démolition-reconstruction")
    OTHER = "autre", _("Autres travaux")


class RenovationWorks(SlspOwnedModel):
    """Renovation works on some units (or a whole district): who may need relocation."""

    slsp = models.ForeignKey(
        "slsps.Slsp", on_delete=models.CASCADE, related_name="+", verbose_name=_("SLSP")
    )
    name = models.CharField(_("chantier"), max_length=200)
    kind = models.CharField(_("type de travaux"), max_length=20, choices=WorksKind.choices)
    district = models.CharField(
        _("quartier / cité concerné"),
        max_length=120,
        blank=True,
        help_text=_("Tous les logements de ce quartier sont concernés."),
    )
    units = models.ManyToManyField(
        HousingUnit, blank=True, related_name="works", verbose_name=_("logements concernés")
    )
    start_date = models.DateField(_("début des travaux"))
    end_date = models.DateField(_("fin prévue"), null=True, blank=True)

    class Meta:
        verbose_name = _("chantier de rénovation")
        verbose_name_plural = _("chantiers de rénovation")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="works_dates_ordered",
            )
        ]

    def __str__(self):
        return self.name
