from django.urls import reverse

from apps.core.registry import registry


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": current == item.url_name,
        }
        for item in registry.nav
        if user.has_perm(item.permission)
    ]
    return {"nav_items": items, "role_labels": user.role_labels()}


def background_status(request):
    """Signed-in users are told when queued work (PDFs, alerts, imports) cannot run."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from apps.core.security import background_available

    return {"background_paused": not background_available()}
