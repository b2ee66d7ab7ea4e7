"""{% load text %}: "de" + a name in the page's language. In French {{ name|de }} is
apps.core.text.de ("d'Arlon"); in German, where the sentence has no "de", "von Arlon"."""

from django import template
from django.utils import translation

from apps.core.text import de as french_de

register = template.Library()


def _german() -> bool:
    return (translation.get_language() or "").startswith("de")


@register.filter
def de(value: object) -> str:
    return f"von {value}" if _german() else french_de(value)


@register.filter
def de_quoted(value: object) -> str:
    return f"von „{value}“" if _german() else french_de(f"« {value} »")
