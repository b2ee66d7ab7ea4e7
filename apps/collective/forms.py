from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.collective.models import CollectiveKind
from apps.core.validators import DateMeaning, date_rule

if TYPE_CHECKING:
    from apps.partners.models import Partner

TENANTS_WITHIN = _("Le nombre de locataires ne peut pas dépasser le nombre de participants.")
END_BEFORE_START = _("La date de fin précède la date de début.")


class DateInput(forms.DateInput):
    """A native date input (ISO value, shown in the browser's locale)."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CollectiveActionForm(forms.Form):
    slsp = forms.TypedChoiceField(label=_("SLSP"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Type d'action"), choices=CollectiveKind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    district = forms.CharField(
        label=_("Quartier / cité"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "districts"}),
    )
    objective = forms.CharField(
        label=_("Objectif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(
        label=_("Début"), widget=DateInput(), validators=date_rule(DateMeaning.PLANNED)
    )
    end_date = forms.DateField(
        label=_("Fin"),
        required=False,
        widget=DateInput(),
        help_text=_("Laissez vide pour une action qui se poursuit."),
        validators=date_rule(DateMeaning.TERM),
    )
    partners: "forms.ModelMultipleChoiceField[Partner]" = forms.ModelMultipleChoiceField(
        label=_("Partenaires associés"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seuls les partenaires du réseau de votre SLSP sont proposés."),
    )

    def __init__(self, *args, slsps=(), partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.partners.models import Partner

        self.fields["partners"].queryset = (
            partners if partners is not None else Partner.objects.none()
        )
        slsps = list(slsps)
        self.fields["slsp"].choices = [(s.pk, str(s)) for s in slsps]
        if len(slsps) == 1:
            # One SLSP: nothing to choose.
            self.fields["slsp"].widget = forms.HiddenInput()
            self.fields["slsp"].initial = slsps[0].pk
            self.fields["slsp"].required = False
        self._only_slsp = slsps[0].pk if len(slsps) == 1 else None
        if not slsps:
            del self.fields["slsp"]
        self.fields["start_date"].initial = timezone.localdate()

    def clean_slsp(self):
        return self.cleaned_data.get("slsp") or self._only_slsp

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", END_BEFORE_START)
        return data


class ActionSessionForm(forms.Form):
    date = forms.DateField(
        label=_("Date de la séance"), widget=DateInput(), validators=date_rule(DateMeaning.PAST)
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=10000)
    tenants = forms.IntegerField(label=_("Dont locataires"), min_value=0, max_value=10000)
    volunteers = forms.IntegerField(
        label=_("Bénévoles"), min_value=0, max_value=1000, initial=0, required=False
    )
    note = forms.CharField(label=_("Note brève"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_volunteers(self):
        return self.cleaned_data["volunteers"] or 0

    def clean(self):
        data = super().clean()
        participants, tenants = data.get("participants"), data.get("tenants")
        if participants is not None and tenants is not None and tenants > participants:
            self.add_error("tenants", TENANTS_WITHIN)
        return data


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Résultat qualitatif"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Ce qui a changé pour les locataires et le quartier, au-delà des chiffres : "
            "liens créés, participation, suites données."
        ),
    )
