"""Edits carry the version they started from; a stale edit is refused, never silently
written over another person's change.

A versioned model has `version = models.PositiveIntegerField(default=1, editable=False)`.
Its edit view calls `track(form, obj)` (a hidden field with the version shown), its
service calls `claim(Model, pk, expected)` first in its transaction: one conditional
UPDATE that bumps the version and holds the row until commit, so of two concurrent edits
from the same version exactly one passes. The refused one gets `StaleEdit`, and the view
shows `refuse(form, error.current)`: what the other person saved beside what this person
typed, field by field; the form keeps the typed values and the new version, so sending it
again (after checking) deliberately replaces the other change.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import F
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

FIELD = "version"

STALE = _(
    "Quelqu'un d'autre a modifié cette fiche pendant que vous la modifiiez : vos "
    "modifications n'ont pas été enregistrées. Comparez ci-dessous, corrigez si besoin, "
    "puis enregistrez à nouveau pour confirmer votre version."
)


class StaleEdit(Exception):
    def __init__(self, current: models.Model) -> None:
        super().__init__("stale edit")
        self.current = current


def track(form: forms.BaseForm, obj: models.Model) -> None:
    """Add the hidden version field (the version shown) to an edit form of `obj`."""
    form.fields[FIELD] = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, initial=getattr(obj, FIELD)
    )


def expected(form: forms.BaseForm) -> int | None:
    """The version the form was shown with (taken out of cleaned_data)."""
    value = form.cleaned_data.pop(FIELD, None)
    return int(value) if value is not None else None


def claim(obj: models.Model, version: int | None) -> None:
    """Bump the version of `obj`'s row if it is still `version`, else raise StaleEdit;
    `obj.version` becomes the new one (so that saving `obj` keeps it).

    Call inside the saving transaction: the row stays locked until it commits. Without
    a version (a client that never showed one), the version is bumped unconditionally.
    """
    manager = type(obj)._default_manager
    rows = manager.filter(pk=obj.pk)
    if version is not None:
        rows = rows.filter(**{FIELD: version})
    if not rows.update(**{FIELD: F(FIELD) + 1}):
        raise StaleEdit(manager.get(pk=obj.pk))
    setattr(obj, FIELD, manager.filter(pk=obj.pk).values_list(FIELD, flat=True).get())


def _shown(form: forms.BaseForm, name: str, value: Any) -> str:
    if value in (None, "", [], ()):
        return "—"
    field = form.fields[name]
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(_shown(form, name, v) for v in value) or "—"
    choices = dict(getattr(field, "choices", None) or ())
    if choices and not isinstance(value, models.Model):
        return str(choices.get(value, choices.get(str(value), value)))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _theirs(current: models.Model, name: str) -> Any:
    value = getattr(current, name, None)
    if isinstance(value, models.Manager):
        return list(value.all())
    return value


def differences(form: forms.BaseForm, current: models.Model) -> list[tuple[str, str, str]]:
    """(label, saved by the other person, typed here) for each field that differs."""
    typed = getattr(form, "cleaned_data", {}) or {}
    rows = []
    for name, field in form.fields.items():
        if name == FIELD or isinstance(field.widget, forms.HiddenInput):
            continue
        if not hasattr(current, name) or isinstance(field, forms.FileField):
            continue
        theirs = _shown(form, name, _theirs(current, name))
        yours = _shown(form, name, typed.get(name, form.data.get(form.add_prefix(name))))
        if theirs != yours:
            rows.append((str(field.label or name), theirs, yours))
    return rows


def refuse(form: forms.BaseForm, current: models.Model) -> SafeString:
    """Mark `form` refused as stale: the comparison as a form error; the typed values stay,
    with the current version so that sending again is a deliberate choice."""
    rows = differences(form, current)
    table = format_html_join(
        "",
        "<li><strong>{}</strong> : {} <em>{}</em> — {} <em>{}</em></li>",
        (
            (label, _("enregistré par l'autre personne :"), theirs, _("votre saisie :"), yours)
            for label, theirs, yours in rows
        ),
    )
    message = format_html('{}<ul class="stale-differences">{}</ul>', STALE, table)
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound
    data[form.add_prefix(FIELD)] = str(getattr(current, FIELD))
    form.data = data
    form.add_error(None, message)
    return message
