from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.periods import Semester as Period
from apps.reports import services
from apps.reports.models import EVALUATION_MAX_LENGTH, Semester

if TYPE_CHECKING:
    from apps.slsps.models import Slsp


class SemesterChoiceForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2011, max_value=2100)
    semester = forms.TypedChoiceField(label=_("Semestre"), choices=Semester.choices, coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            period = Period.last_ended()
            self.initial.setdefault("year", period.year)
            self.initial.setdefault("semester", period.half)

    def clean(self):
        data = super().clean()
        if "year" in data and "semester" in data:
            try:
                services.check_semester(data["year"], data["semester"])
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return data


class SemesterRequestForm(SemesterChoiceForm):
    slsp: "forms.ModelChoiceField[Slsp]" = forms.ModelChoiceField(
        label=_("SLSP"), queryset=None, empty_label=None
    )
    field_order = ["slsp", "year", "semester"]

    def __init__(self, *args, slsps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slsp"].queryset = slsps
        self.fields["slsp"].error_messages["invalid_choice"] = _(
            "Vous n'êtes pas référent de cette SLSP."
        )


class EvaluationForm(forms.Form):
    """The summary, then three texts per objective or priority axis of the report."""

    summary = forms.CharField(
        label=_("Appréciation générale"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    TEXTS = (
        ("worked", _("Ce qui a fonctionné")),
        ("obstacles", _("Obstacles rencontrés")),
        ("next_steps", _("Prochaines étapes")),
    )

    def __init__(self, *args, evaluations, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluations = list(evaluations)
        for evaluation in self.evaluations:
            for name, label in self.TEXTS:
                self.fields[f"e{evaluation.pk}_{name}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=EVALUATION_MAX_LENGTH,
                    initial=getattr(evaluation, name),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def rows(self):
        """(evaluation, [bound fields]) for the template."""
        return [
            (e, [self[f"e{e.pk}_{name}"] for name, _label in self.TEXTS]) for e in self.evaluations
        ]

    def items(self) -> dict:
        return {
            e.pk: {name: self.cleaned_data[f"e{e.pk}_{name}"] for name, _label in self.TEXTS}
            for e in self.evaluations
        }
