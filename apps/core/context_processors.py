from django.urls import reverse

from apps.core.permissions import allowed
from apps.core.registry import registry


def navigation(request):
    """`nav_items`: every entry the user may open (flat, in order); `nav_entries`: the
    menu's top-level entries, each a link or a group of links (registry NavGroups)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_entries": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": current == item.url_name,
            "group": item.group,
            "order": item.order,
        }
        for item in registry.nav
        # The rules themselves, as every view asks them: user.has_perm() would let a
        # superuser through and list pages that answer them 404.
        if allowed(user, item.permission)
    ]
    return {
        "nav_items": items,
        "nav_entries": _entries(items),
        "role_labels": user.role_labels(),
    }


def _entries(items: list[dict]) -> list[dict]:
    groups = {group.key: group for group in registry.nav_groups}
    members: dict[str, list[dict]] = {}
    entries = []
    for item in items:
        if item["group"] in groups:
            members.setdefault(item["group"], []).append(item)
        else:
            entries.append({**item, "items": [], "key": item["url"]})
    for key, links in members.items():
        if len(links) == 1:
            entries.append({**links[0], "items": [], "key": key, "order": groups[key].order})
        else:
            entries.append(
                {
                    "key": key,
                    "label": groups[key].label,
                    "items": links,
                    "order": groups[key].order,
                    "current": any(link["current"] for link in links),
                }
            )
    entries.sort(key=lambda entry: entry["order"])
    return entries


def background_status(request):
    """Signed-in users are told when queued work (PDFs, alerts, imports) cannot run."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from apps.core.security import background_available

    return {"background_paused": not background_available()}
