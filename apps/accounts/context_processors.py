from typing import Any

from django.http import HttpRequest

from apps.accounts.notifications import cached_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The header's unread counter, read from the cache: no page pays a query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": cached_unread_count(user)}
