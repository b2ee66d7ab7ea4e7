"""The project's form renderer (Jinja2 for Django's form templates) writes the same HTML."""

import re
from html import unescape

from django import forms
from django.forms.renderers import DjangoTemplates
from django_filters.fields import DateRangeField

from apps.core.form_renderer import FastFormRenderer


class Sample(forms.Form):
    q = forms.CharField(label="Recherche", required=False, help_text="Nom ou référence")
    kind = forms.ChoiceField(
        label="Type d'action",
        choices=[("", "Tous"), ("a", "Pédagogie de l'habiter"), ("b", "<Impayés>")],
    )
    grouped = forms.ChoiceField(
        choices=[("Quartiers", [("n", "Nord"), ("s", "Sud")]), ("x", "Autre")], required=False
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "Un"), ("2", "Deux")], widget=forms.CheckboxSelectMultiple, required=False
    )
    multi = forms.MultipleChoiceField(choices=[("1", "Un"), ("2", "Deux")], required=False)
    radio = forms.ChoiceField(
        choices=[("Quartiers", [("n", "<Nord>"), ("s", "Sud")]), ("x", "Autre")],
        widget=forms.RadioSelect(attrs={"class": "inline"}),
        required=False,
    )
    ticks = forms.MultipleChoiceField(
        choices=[("1", "L'un"), ("2", "Deux")],
        widget=forms.CheckboxSelectMultiple(attrs={"data-x": "y", "disabled": False}),
        required=False,
    )
    since = DateRangeField(required=False)  # django-filter's template: Django engine
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", unescape(html))).strip()


def _both(form):
    form.renderer = DjangoTemplates()
    expected = str(form)
    form.renderer = FastFormRenderer()
    return expected, str(form)


def test_same_html_as_django_templates_bound_with_errors():
    form = Sample(
        data={"kind": "zzz", "grouped": "s", "many": ["2"], "multi": ["1", "2"], "radio": "s"}
    )
    form.is_valid()
    expected, actual = _both(form)
    assert _normal(actual) == _normal(expected)
    assert '<option value="s" selected>Sud</option>' in actual
    assert 'type="radio" name="radio" value="s" class="inline"' in actual
    assert "&lt;Impayés&gt;" in actual  # labels stay escaped
    assert "Sélectionnez un choix valide" in unescape(actual)


def test_same_html_unbound():
    expected, actual = _both(Sample(initial={"kind": "a"}))
    assert _normal(actual) == _normal(expected)
    assert '<option value="a" selected>' in actual


def test_custom_option_template_is_still_included():
    class Select(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class Custom(forms.Form):
        kind = forms.ChoiceField(choices=[("a", "A")], widget=Select(attrs={"id": "k"}))

    expected, actual = _both(Custom())
    assert _normal(actual) == _normal(expected)
    assert '<input type="select" name="kind" value="a"' in actual  # the custom template
