"""The good-practice library's search and filters (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from apps.calls.models import Action, Domain, Dossier, DossierApplicant, TargetPublic
from apps.slsps.models import Province

SEARCH_MAX = 100


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Rechercher"),
        max_length=SEARCH_MAX,
        help_text=_("Dans le titre, le résumé et les actions."),
    )
    domain = django_filters.ChoiceFilter(
        choices=Domain.choices, method="by_domain", label=_("Domaine"), empty_label=_("Tous")
    )
    category = django_filters.ChoiceFilter(
        choices=TargetPublic.choices,
        method="by_category",
        label=_("Catégorie de logement"),
        empty_label=_("Toutes"),
    )
    province = django_filters.ChoiceFilter(
        choices=Province.choices, method="by_province", label=_("Province"), empty_label=_("Toutes")
    )
    year = django_filters.ChoiceFilter(
        choices=[], method="by_year", label=_("Année de l'appel"), empty_label=_("Toutes")
    )

    class Meta:
        model = Dossier
        fields: list[str] = []

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in years]
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "maxlength": SEARCH_MAX}
        )

    def search(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        words = value.split()
        for word in words[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(pk__in=Action.objects.filter(title__icontains=word).values("dossier_id"))
            )
        return queryset

    def by_domain(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        return queryset.filter(domains__contains=[value])

    def by_category(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        return queryset.filter(target_publics__contains=[value])

    def by_province(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        # A dossier is in every province where one of its applicant SLSPs is.
        return queryset.filter(
            Exists(
                DossierApplicant.objects.with_scopes_disabled().filter(
                    dossier=OuterRef("pk"), slsp__province=value
                )
            )
        )

    def by_year(self, queryset: QuerySet[Dossier], name: str, value: str) -> QuerySet[Dossier]:
        return queryset.annotate(call_year=ExtractYear("call__closes_at")).filter(
            call_year=int(value)
        )
