import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.models import Domain, FollowUp
from apps.core.widgets import DateRangeInputs
from apps.tenants.models import Category, Member


class FollowUpFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Référence, nom, adresse ou objectif"))
    domain = django_filters.ChoiceFilter(
        choices=Domain.choices, method="by_domain", label=_("Domaine"), empty_label=_("Tous")
    )
    status = django_filters.ChoiceFilter(
        choices=[("ouvert", _("Ouvert")), ("clos", _("Clôturé"))],
        method="by_status",
        label=_("Statut"),
        empty_label=_("Tous"),
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Catégorie"), empty_label=_("Toutes")
    )
    district = django_filters.ChoiceFilter(
        choices=[], label=_("Quartier / cité"), empty_label=_("Tous")
    )
    period = django_filters.DateFromToRangeFilter(
        field_name="opened_on",
        label=_("Ouvert entre"),
        widget=DateRangeInputs(label=_("Ouvert entre")),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("opened_on", "ouverture"),
            ("last_moment", "dernier"),
            ("household__display_name", "menage"),
        ),
        field_labels={
            "opened_on": _("Ouverture"),
            "last_moment": _("Dernier moment"),
            "household__display_name": _("Ménage"),
        },
        label=_("Trier par"),
    )

    class Meta:
        model = FollowUp
        fields = ["q", "domain", "status", "category", "district", "period"]

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the user's own SLSPs only.
        self.filters["district"].extra["choices"] = [(d, d) for d in districts]

    def search(self, queryset, name, value):
        value = value.strip()
        members = Member.objects.filter(household=OuterRef("household")).filter(
            Q(last_name__icontains=value) | Q(first_name__icontains=value)
        )
        return queryset.filter(
            Q(household__reference__icontains=value)
            | Q(household__display_name__icontains=value)
            | Q(address__icontains=value)
            | Q(objective__icontains=value)
            | Exists(members)
        )

    def by_domain(self, queryset, name, value):
        return queryset.filter(domains__contains=[value])

    def by_status(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "ouvert"))
