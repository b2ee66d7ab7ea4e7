import django_filters
from django.utils.translation import gettext_lazy as _

from apps.slsps.models import Province, Slsp


class RegionFilter(django_filters.FilterSet):
    province = django_filters.ChoiceFilter(
        choices=Province.choices, label=_("Province"), empty_label=_("Toutes")
    )
    kind = django_filters.ChoiceFilter(
        choices=[("reelles", _("Réelles")), ("demo", _("Démonstration"))],
        method="filter_kind",
        label=_("Sociétés"),
        empty_label=_("Toutes"),
    )

    class Meta:
        model = Slsp
        fields = ["province", "kind"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(is_demo=value == "demo")
