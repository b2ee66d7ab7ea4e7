"""Dates of the export (ISO strings in the JSON) shown as dd/mm/yyyy in the PDF."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_date(value):
    """'2026-11-22' → 22/11/2026, '2026-11-22T10:03:00+01:00' → 22/11/2026 10:03."""
    if not value:
        return "—"
    try:
        if "T" in value:
            moment = timezone.localtime(datetime.datetime.fromisoformat(value))
            return moment.strftime("%d/%m/%Y %H:%M")
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


@register.filter
def record_kind(object_type: str) -> str:
    """'tenants.household' → 'ménage' (the model's verbose name, in the active language)."""
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
