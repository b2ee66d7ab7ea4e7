from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.confirm import ConfirmForm
from apps.core.periods import Semester as Period
from apps.reports import names, services
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


class EvaluationText(forms.CharField):
    """A textarea's text, with line breaks counted as the browser counts them.

    A browser submits a line break as "\r\n" but its maxlength counts it as one
    character: normalised before the length is checked, a text the browser accepted is
    never refused here for being too long.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return services.normalize_newlines(value) if value else value


class EvaluationForm(forms.Form):
    """The summary, then three texts per objective or priority axis of the report.

    `name_tokens`: words naming the SLSP's tenants; a text containing one is refused
    beside its field, naming the objective, and everything typed is kept.
    """

    summary = EvaluationText(
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

    def __init__(self, *args, evaluations, name_tokens=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluations = list(evaluations)
        self.name_tokens = name_tokens
        self.titles = {"summary": str(_("Appréciation générale"))}
        for evaluation in self.evaluations:
            for name, label in self.TEXTS:
                key = f"e{evaluation.pk}_{name}"
                self.titles[key] = evaluation.title
                self.fields[key] = EvaluationText(
                    label=label,
                    required=False,
                    max_length=EVALUATION_MAX_LENGTH,
                    initial=getattr(evaluation, name),
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={
                        "max_length": format_lazy(
                            _(
                                "« {title} » : au plus %(limit_value)d caractères "
                                "(ce texte en compte %(show_value)d)."
                            ),
                            title=evaluation.title.replace("%", "%%"),
                        )
                    },
                )

    def clean(self):
        data = super().clean()
        for key, value in list(data.items()):
            word = names.find_name(value or "", self.name_tokens)
            if word:
                self.add_error(
                    key,
                    _(
                        "« %(title)s » : le texte contient « %(word)s », le nom d'une personne "
                        "suivie. L'évaluation sort de la SLSP : décrivez sans nommer personne."
                    )
                    % {"title": self.titles[key], "word": word},
                )
        return data

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


class SendBackForm(forms.Form):
    comment = EvaluationText(
        label=_("Ce que le référent doit revoir"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        error_messages={"required": _("Dites au référent ce qu'il doit revoir.")},
    )


class ValidateForm(ConfirmForm):
    names_no_person = forms.BooleanField(
        label=_(
            "Je confirme que cette évaluation ne nomme aucune personne : elle peut être "
            "transmise à la SWL."
        ),
        required=False,
    )
