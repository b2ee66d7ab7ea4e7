import django_filters
from django.utils.translation import gettext_lazy as _

from apps.reports import desk
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
    # The coordinator's desk links here: the SLSPs one of its signals counts.
    attention = django_filters.ChoiceFilter(
        choices=desk.CHOICES,
        method="filter_attention",
        label=_("À surveiller"),
        empty_label=_("Toutes"),
    )

    class Meta:
        model = Slsp
        fields = ["province", "kind", "attention"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(is_demo=value == "demo")

    def filter_attention(self, queryset, name, value):
        return desk.filter_slsps(queryset, value)
