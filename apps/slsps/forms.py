"""Forms of the action strategy and the référents' network."""

import datetime
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.validators import DateMeaning, apply_date_rule, limit
from apps.slsps.models import (
    ActionStrategy,
    GoodPracticeSheet,
    NetworkEvent,
    StrategyItem,
    StrategyItemKind,
)

FIRST_YEAR = 2011  # the referent programme started with the 2011 call


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StrategyForm(forms.ModelForm):
    class Meta:
        model = ActionStrategy
        fields = ["year", "summary"]
        labels = {"summary": _("Synthèse de la stratégie")}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, slsp, **kwargs):
        super().__init__(*args, **kwargs)
        self.slsp = slsp
        # Announced to the browser; clean_year refuses with its own message.
        self.fields["year"].min_value = FIRST_YEAR
        limit(self.fields["summary"], max_length=5000)

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = timezone.localdate().year + 1
        if year < FIRST_YEAR or year > last:
            raise forms.ValidationError(
                _("L'année doit être comprise entre %(first)s et %(last)s."),
                params={"first": FIRST_YEAR, "last": last},
            )
        # The unique (slsp, year) constraint is not checked by ModelForm because the
        # SLSP is not a form field: check it here for a clear message.
        taken = ActionStrategy.objects.filter(slsp=self.slsp, year=year)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Votre SLSP a déjà une stratégie pour %(year)s."), params={"year": year}
            )
        return year


class StrategyItemForm(forms.ModelForm):
    class Meta:
        model = StrategyItem
        fields = ["kind", "title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit(self.fields["description"], max_length=2000)
        limit(self.fields["order"], max_value=999)
        self.fields["order"].required = False
        self.fields["kind"].choices = [("", _("— choisir —")), *StrategyItemKind.choices]
        self.fields["description"].widget.attrs["rows"] = 2

    def has_changed(self):
        # An extra line left without type, title or description is an unused line,
        # whatever its order number says.
        if self.instance.pk is None and not any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("kind", "title", "description")
        ):
            return False
        return super().has_changed()

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class BaseStrategyItemFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kinds = [
            form.cleaned_data.get("kind")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if StrategyItemKind.OBJECTIVE not in kinds:
            raise forms.ValidationError(_("Une stratégie compte au moins un objectif."))


StrategyItemFormSet = inlineformset_factory(
    ActionStrategy,
    StrategyItem,
    form=StrategyItemForm,
    formset=BaseStrategyItemFormSet,
    extra=3,
    max_num=30,
    validate_max=True,
    can_delete=True,
)


class NetworkEventForm(forms.ModelForm):
    class Meta:
        model = NetworkEvent
        fields = ["kind", "title", "date", "place", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_date_rule(self.fields["date"], DateMeaning.PLANNED)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not datetime.date(FIRST_YEAR, 1, 1) <= date <= datetime.date(2100, 12, 31):
            raise forms.ValidationError(_("Cette date n'est pas plausible."))
        return date


PRESENT, ABSENT = "present", "absent"
ATTENDANCE_CHOICES = [("", _("Non encodé")), (PRESENT, _("Présent")), (ABSENT, _("Absent"))]


class AttendanceForm(forms.Form):
    """One radio group per référent of the region: present, absent or not recorded."""

    def __init__(self, *args, memberships, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        seen = set()
        for membership in memberships:
            person = membership.user
            if person.pk in seen:  # référent of two SLSPs: recorded once, first SLSP
                continue
            seen.add(person.pk)
            name = f"p_{person.uuid}"
            initial = current.get(person.pk)
            self.fields[name] = forms.ChoiceField(
                label=str(person),
                choices=ATTENDANCE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial="" if initial is None else (PRESENT if initial else ABSENT),
            )
            self.rows.append((self[name], membership))

    def decisions(self):
        """{membership: True (present) / False (absent) / None (not recorded)}."""
        values = {PRESENT: True, ABSENT: False, "": None}
        return {
            membership: values[self.cleaned_data[field.name]] for field, membership in self.rows
        }


class GoodPracticeForm(forms.ModelForm):
    class Meta:
        model = GoodPracticeSheet
        fields = [
            "slsp",
            "title",
            "domain",
            "summary",
            "what_worked",
            "partners_involved",
            "published",
        ]
        labels = {
            "published": _("Publier dans la bibliothèque partagée du réseau"),
            "domain": _("Domaine (ex. : pédagogie de l'habiter, impayés, relogement)"),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "what_worked": forms.Textarea(attrs={"rows": 4}),
            "partners_involved": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, slsps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slsp"].queryset = slsps
        self.fields["slsp"].empty_label = None
        for name in ("summary", "what_worked", "partners_involved"):
            limit(self.fields[name], max_length=5000)
        if len(slsps) == 1:
            self.fields["slsp"].widget = forms.HiddenInput()
            self.fields["slsp"].initial = slsps[0].pk
