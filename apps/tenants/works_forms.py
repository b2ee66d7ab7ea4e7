"""Forms of the renovation works pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.confirm import ConfirmForm
from apps.core.validators import DateMeaning, date_rule
from apps.tenants.models import WorksKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WorksForm(forms.Form):
    slsp = forms.TypedChoiceField(label=_("SLSP"), coerce=int)
    name = forms.CharField(label=_("Chantier"), max_length=200)
    kind = forms.ChoiceField(label=_("Type de travaux"), choices=WorksKind.choices)
    district = forms.CharField(
        label=_("Quartier / cité concerné"),
        max_length=120,
        required=False,
        help_text=_("Tous les logements de ce quartier sont concernés."),
    )
    start_date = forms.DateField(
        label=_("Début des travaux"), widget=DateInput(), validators=date_rule(DateMeaning.TERM)
    )
    end_date = forms.DateField(
        label=_("Fin prévue"),
        required=False,
        widget=DateInput(),
        validators=date_rule(DateMeaning.TERM),
    )

    def __init__(self, *args, slsps=(), **kwargs):
        super().__init__(*args, **kwargs)
        slsps = list(slsps)
        if len(slsps) > 1:
            self.fields["slsp"].choices = [(s.pk, str(s)) for s in slsps]
        else:
            # One SLSP (the usual case, and always on edit): nothing to choose.
            del self.fields["slsp"]


class CloseWorksForm(ConfirmForm):
    end_date = forms.DateField(
        label=_("Fin des travaux"), widget=DateInput(), validators=date_rule(DateMeaning.PAST)
    )


class UnitSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Adresse ou code postal du logement"), max_length=100, required=False
    )
