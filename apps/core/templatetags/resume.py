from django import template
from django.http import HttpRequest
from django.utils.html import json_script
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def resumed_form(context: template.Context) -> SafeString | str:
    """The kept values of a form sent after expiry (apps/core/resume.py), for resume.js."""
    request: HttpRequest | None = context.get("request")
    data = getattr(request, "resumed_form", None)
    return json_script(data, "resumed-form") if data else ""
