"""`{% load formats %}`: `{{ value|amount }}`, `{{ value|number }}`, `{{ value|number:1 }}`,
`{{ value|percent }}`, `{{ value|day }}`, `{{ value|moment }}` — the text of
apps/core/formats.py, the same in pages and PDFs."""

from __future__ import annotations

import datetime

from django import template

from apps.core import formats

register = template.Library()


@register.filter
def amount(value: formats.Number | None) -> str:
    return formats.amount(value)


@register.filter
def number(value: formats.Number | None, decimals: int = 0) -> str:
    return formats.number(value, int(decimals))


@register.filter
def percent(value: formats.Number | None, decimals: int = 1) -> str:
    return formats.percent(value, int(decimals))


@register.filter
def day(value: datetime.date | None) -> str:
    return formats.day(value)


@register.filter
def moment(value: datetime.datetime | None) -> str:
    return formats.moment(value)
