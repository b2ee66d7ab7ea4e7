"""Home-page panels contributed by the register."""

from apps.slsps import queries


def my_slsps(request):
    user = request.user
    if not user.slsp_ids():
        return None
    slsps = list(queries.slsps_for(user).filter(pk__in=user.slsp_ids()))
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
