"""Form widgets shared by the apps' filters."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _


class DateRangeInputs(django_filters.widgets.DateRangeWidget):
    """A period as two native date inputs (from / to). The field's <label> names only the
    first input, so each input carries its own name too ("… : du", "… : au")."""

    def __init__(self, attrs: dict[str, str] | None = None, label: Any = "") -> None:
        super().__init__(attrs={"type": "date", **(attrs or {})})
        self.label = label

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        ends = (_("du"), _("au"))
        for subwidget, end in zip(context["widget"]["subwidgets"], ends, strict=True):
            name_parts = [str(self.label), str(end)] if self.label else [str(end)]
            subwidget["attrs"]["aria-label"] = " : ".join(name_parts)
        return context
