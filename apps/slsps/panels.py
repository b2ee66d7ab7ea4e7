"""Home-page panels contributed by the register and the référents' network."""

import rules
from django.utils import timezone

from apps.slsps import queries


def my_slsps(request):
    user = request.user
    if not user.slsp_ids():
        return None
    slsps = list(
        queries.slsps_for(user)
        .filter(pk__in=user.slsp_ids())
        .only("uuid", "official_name", "head_office_commune", "province", "housing_units")
    )
    return {
        "slsps": [
            {"slsp": slsp, "posts": list(queries.referent_posts_for(user, slsp))} for slsp in slsps
        ]
    }


def region(request):
    user = request.user
    if not user.has_perm("slsps.view_register"):
        return None
    rows = queries.register_rows(user).order_by("province", "official_name")
    return {"summary": queries.register_summary(user), "rows": rows}


def network(request):
    """The next activities of the référents' network (référents and coordinators)."""
    user = request.user
    if not rules.has_perm("slsps.view_network", user):
        return None
    today = timezone.localdate()
    upcoming = list(
        queries.network_events_for(user).filter(date__gte=today).order_by("date", "title")[:3]
    )
    return {"upcoming": upcoming}
