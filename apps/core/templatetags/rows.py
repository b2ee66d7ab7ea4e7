"""`{% rows "tenants/household_rows.html" page=page %}`: render repeated table rows with
the Jinja2 engine (see apps/core/jinja2env.py for why) inside a Django template."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def rows(template_name, **context):
    # Jinja2 autoescapes every value; the result is trusted markup.
    return mark_safe(get_template(template_name, using="jinja2").render(context))  # noqa: S308
