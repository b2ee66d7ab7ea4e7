import django_filters
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import AccessLog
from apps.core.widgets import DateRangeInputs
from apps.privacy import queries


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Personne"), empty_label=_("Toutes")
    )
    menage = django_filters.CharFilter(
        method="by_household", label=_("Ménage (référence, nom ou identifiant)")
    )
    period = django_filters.DateFromToRangeFilter(
        field_name="at__date",
        label=_("Période"),
        widget=DateRangeInputs(label=_("Période")),
    )

    class Meta:
        model = AccessLog
        fields = ["user", "menage", "period"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # People of the direction's own SLSPs only.
        self.filters["user"].queryset = queries.log_users_for(user)
        self.viewer = user

    def by_household(self, queryset, name, value):
        if not value.strip():
            return queryset
        households = queries.households_matching(self.viewer, value).values("pk")
        return queryset.filter(subject_household__in=households)
