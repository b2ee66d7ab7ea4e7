from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.models import Domain, FollowUp, MomentKind, Outcome


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConsentForm(forms.Form):
    prefix = "consent"

    given_on = forms.DateField(label=_("Date de l'accord"), widget=DateInput())
    covers_follow_up = forms.BooleanField(label=_("Accepte un suivi"), required=False, initial=True)
    share_with = forms.ModelMultipleChoiceField(
        label=_("Accepte le partage de ses données avec"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(label=_("Échéance"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Remarque"), max_length=300, required=False)

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_with"].queryset = partners
        self.fields["given_on"].initial = timezone.localdate()


class FollowUpForm(forms.Form):
    prefix = "followup"

    domains = forms.MultipleChoiceField(
        label=_("Domaines"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )
    objective = forms.CharField(label=_("Objectif"), max_length=300)
    arrears_amount = forms.DecimalField(
        label=_("Arriéré à l'ouverture (EUR)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
    )


class CloseFollowUpForm(forms.Form):
    """Rendered once per open follow-up: no ids, an aria-label names the select."""

    outcome = forms.ChoiceField(
        label=_("Issue"),
        choices=Outcome.choices,
        widget=forms.Select(attrs={"aria-label": _("Issue du suivi")}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


class MomentForm(forms.Form):
    prefix = "moment"

    kind = forms.ChoiceField(label=_("Type de moment"), choices=MomentKind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=600, initial=30
    )
    follow_up = forms.ModelChoiceField(
        label=_("Suivi"),
        queryset=FollowUp.objects.none(),
        required=False,
        empty_label=_("(hors suivi)"),
    )
    note = forms.CharField(label=_("Note brève"), max_length=500, required=False)

    def __init__(self, *args, follow_ups=(), **kwargs):
        super().__init__(*args, **kwargs)
        open_ones = [f for f in follow_ups if f.is_open]
        # Only this household's open follow-ups; the queryset keeps validation server-side.
        self.fields["follow_up"].queryset = FollowUp.objects.filter(
            pk__in=[f.pk for f in open_ones]
        )
        self.fields["date"].initial = timezone.localdate()
        if open_ones:
            # The sensible default: the household's open follow-up.
            self.fields["follow_up"].initial = open_ones[0].pk
