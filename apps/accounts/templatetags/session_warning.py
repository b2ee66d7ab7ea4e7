from typing import Any

from django import template
from django.conf import settings

from apps.accounts import sessions

register = template.Library()

# Warn this long before the idle limit (the server records activity once a minute, so
# the page counts one resolution step less than the limit).
WARN_BEFORE = 3 * 60


@register.inclusion_tag("accounts/idle_warning.html", takes_context=True)
def idle_warning(context: template.Context) -> dict[str, Any]:
    """The warning shown before the idle limit, with its "stay signed in" button."""
    timeout = settings.SESSION_IDLE_TIMEOUT - sessions.SEEN_RESOLUTION
    request = context.get("request")
    return {
        "request": request,
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "timeout": max(timeout, 1),
        "warn_before": min(WARN_BEFORE, max(timeout // 2, 1)),
    }
