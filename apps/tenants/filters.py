import django_filters
from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Category, Household, HousingUnit, LastTenancy
from apps.tenants.search import filter_households


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Référence, nom ou adresse"))
    category = django_filters.ChoiceFilter(
        method="in_category",
        choices=Category.choices,
        label=_("Catégorie"),
        empty_label=_("Toutes"),
    )
    district = django_filters.ChoiceFilter(
        method="in_district", choices=[], label=_("Quartier / cité"), empty_label=_("Tous")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("display_name", "nom"), ("reference", "reference"), ("start_date", "entree")),
        field_labels={
            "display_name": _("Nom"),
            "reference": _("Référence"),
            "start_date": _("Entrée"),
        },
        label=_("Trier par"),
    )

    class Meta:
        model = Household
        fields = ["q", "category", "district"]

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the user's own SLSPs only.
        self.filters["district"].extra["choices"] = [(d, d) for d in districts]

    # Filters read LastTenancy (each household's latest tenancy, kept by triggers) and
    # members through uncorrelated `pk__in` subqueries, run once: the cost stays that of
    # the matching rows, not of every household of the SLSP (bench/RESULTS.md). Both come
    # from scoped managers: the request's SLSPs only.

    def search(self, queryset, name, value):
        # The header's search matches the same way (any word order, accents, typos).
        return filter_households(queryset, value)

    def in_category(self, queryset, name, value):
        return queryset.filter(
            pk__in=LastTenancy.objects.filter(category=value).values("household_id")
        )

    def in_district(self, queryset, name, value):
        in_district = HousingUnit.objects.filter(district=value)
        return queryset.filter(
            pk__in=LastTenancy.objects.filter(unit__in=in_district).values("household_id")
        )
