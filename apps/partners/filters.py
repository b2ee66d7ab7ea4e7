import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.partners import queries
from apps.partners.models import AgreementStatus, Partner, PartnerType, normalize_name


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Recherche"))
    type = django_filters.ChoiceFilter(
        choices=PartnerType.choices, label=_("Type"), empty_label=_("Tous")
    )
    commune = django_filters.ChoiceFilter(
        method="in_commune", label=_("Commune"), empty_label=_("Toutes")
    )
    network = django_filters.ChoiceFilter(
        method="in_network",
        label=_("Mon réseau"),
        choices=[("oui", _("Dans mon réseau")), ("non", _("Hors de mon réseau"))],
        empty_label=_("Tous"),
    )

    class Meta:
        model = Partner
        fields = ["q", "type", "commune"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["commune"].extra["choices"] = queries.commune_choices()
        if not (user and user.slsp_ids()):
            del self.filters["network"]

    def search(self, queryset, name, value):
        words = normalize_name(value).split()
        condition = Q()
        for word in words:
            condition &= Q(normalized_name__contains=word) | Q(commune__icontains=word)
        return queryset.filter(condition) if words else queryset

    def in_commune(self, queryset, name, value):
        return queryset.filter(Q(commune=value) | Q(communes_served__contains=[value]))

    def in_network(self, queryset, name, value):
        return queryset.filter(in_my_network=value == "oui")


class AgreementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=AgreementStatus.choices, label=_("Statut"), empty_label=_("Tous")
    )
    q = django_filters.CharFilter(method="search", label=_("Recherche"))

    def search(self, queryset, name, value):
        return queryset.filter(Q(partner__name__icontains=value) | Q(purpose__icontains=value))
