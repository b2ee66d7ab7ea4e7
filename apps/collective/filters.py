import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.collective.models import CollectiveAction, CollectiveKind
from apps.core.widgets import DateRangeInputs


class CollectiveActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Intitulé ou objectif"))
    kind = django_filters.ChoiceFilter(
        choices=CollectiveKind.choices, label=_("Type d'action"), empty_label=_("Tous")
    )
    district = django_filters.ChoiceFilter(
        choices=[], label=_("Quartier / cité"), empty_label=_("Tous")
    )
    period = django_filters.DateFromToRangeFilter(
        method="by_period",
        label=_("En cours entre"),
        widget=DateRangeInputs(label=_("En cours entre")),
    )

    class Meta:
        model = CollectiveAction
        fields = ["q", "kind", "district", "period"]

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the user's own SLSPs only.
        self.filters["district"].extra["choices"] = [(d, d) for d in districts]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(objective__icontains=value))

    def by_period(self, queryset, name, value):
        """Actions whose period overlaps the one asked (an open action runs until today)."""
        if value.start:
            queryset = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=value.start))
        if value.stop:
            queryset = queryset.filter(start_date__lte=value.stop)
        return queryset
