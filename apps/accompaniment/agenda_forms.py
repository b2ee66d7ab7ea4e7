"""Forms of the agenda: planning an appointment, the next step of a follow-up."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.forms import DateInput
from apps.accompaniment.models import FollowUp, MomentKind
from apps.core.validators import DateMeaning, date_rule


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class AppointmentForm(forms.Form):
    prefix = "rdv"

    kind = forms.ChoiceField(label=_("Type de moment"), choices=MomentKind.choices)
    date = forms.DateField(
        label=_("Date"), widget=DateInput(), validators=date_rule(DateMeaning.PLANNED)
    )
    time = forms.TimeField(label=_("Heure"), required=False, widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée prévue (minutes)"), min_value=1, max_value=600, initial=30
    )
    follow_up: "forms.ModelChoiceField[FollowUp]" = forms.ModelChoiceField(
        label=_("Suivi"),
        queryset=FollowUp.objects.none(),
        required=False,
        empty_label=_("(hors suivi)"),
    )
    note = forms.CharField(label=_("Note brève"), max_length=500, required=False)

    def __init__(self, *args, follow_ups=(), **kwargs):
        super().__init__(*args, **kwargs)
        open_ones = [f for f in follow_ups if f.is_open]
        field = self.fields["follow_up"]
        field.queryset = FollowUp.objects.filter(pk__in=[f.pk for f in open_ones])
        field.choices = [("", field.empty_label)] + [
            (f.pk, field.label_from_instance(f)) for f in open_ones
        ]
        if open_ones:
            field.initial = open_ones[0].pk


class NextStepForm(forms.Form):
    next_step = forms.CharField(label=_("Prochaine étape"), max_length=200, required=False)
    next_step_due = forms.DateField(
        label=_("Pour le"),
        required=False,
        widget=DateInput(),
        validators=date_rule(DateMeaning.PLANNED),
    )
