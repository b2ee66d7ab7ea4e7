from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.core import idempotency

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    """A hidden token new at each display of a form: sending it twice records once."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.new_token()
    )
