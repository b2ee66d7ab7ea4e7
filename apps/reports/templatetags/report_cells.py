"""`{% load report_cells %}`: `{{ value|cell }}` for a report's table cell, which holds a
number, a suppressed count ("<5", already text) or nothing. Numbers go through
apps/core/formats.py (fr-BE: `1 234`, `3,5`); text is shown as it is; None is "—"."""

from __future__ import annotations

from decimal import Decimal

from django import template

from apps.core import formats

register = template.Library()


@register.filter
def cell(value: object, decimals: int = 0) -> str:
    if value is None or value == "":
        return formats.UNKNOWN
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return formats.number(value, int(decimals))
    if isinstance(value, float):
        return formats.number(value, int(decimals) if value.is_integer() else max(int(decimals), 1))
    return str(value)
