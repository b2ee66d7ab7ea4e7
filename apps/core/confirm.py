"""The one confirmation step before an action that destroys, ends or sends something.

A destructive button is a link (GET, no effect) to a page that says what will happen and
what it will stop, with the form the action needs (a date, a reason, a choice of partners)
and two ways out: confirm (POST) or go back. A refused POST shows the same page again with
what was typed and the errors beside the fields. It works without JavaScript, and the
page's consequences come from the same service that performs the action, so what people
are told is what happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise


class ConfirmForm(forms.Form):
    """An action that needs nothing but the decision; subclass it to ask for more."""


@dataclass
class Confirmation:
    title: Text
    question: Text
    cancel_url: str
    consequences: Sequence[Text] = field(default_factory=list)
    confirm_label: Text = _("Confirmer")
    # A warning colour for what cannot be undone; False for a reversible change of state.
    irreversible: bool = True


def confirmation_page(
    request: HttpRequest, confirmation: Confirmation, form: forms.Form | None = None
) -> HttpResponse:
    return render(
        request,
        "core/confirm.html",
        {"confirmation": confirmation, "form": form or ConfirmForm()},
    )
