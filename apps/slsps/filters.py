import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.slsps.models import Province, Slsp


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Recherche"))
    province = django_filters.ChoiceFilter(choices=Province.choices, label=_("Province"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("official_name", "nom"),
            ("province", "province"),
            ("head_office_commune", "commune"),
            ("housing_units", "logements"),
            ("posts_filled", "postes"),
        ),
        field_labels={
            "official_name": _("Nom"),
            "province": _("Province"),
            "head_office_commune": _("Commune"),
            "housing_units": _("Logements"),
            "posts_filled": _("Postes pourvus"),
        },
        label=_("Trier par"),
    )

    class Meta:
        model = Slsp
        fields = ["q", "province"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(official_name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(head_office_commune__icontains=value)
        )
