import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Category, Household, Member


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Référence, nom ou adresse"))
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Catégorie"), empty_label=_("Toutes")
    )
    district = django_filters.ChoiceFilter(
        choices=[], label=_("Quartier / cité"), empty_label=_("Tous")
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

    def search(self, queryset, name, value):
        value = value.strip()
        members = Member.objects.filter(household=OuterRef("pk")).filter(
            Q(last_name__icontains=value) | Q(first_name__icontains=value)
        )
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(display_name__icontains=value)
            | Q(address__icontains=value)
            | Exists(members)
        )
