"""The référent's work lists on the home page."""

import rules

from apps.accompaniment import queries

LIMIT = 8


def work_lists(request):
    user = request.user
    if not rules.has_perm("accompaniment.view_work_lists", user):
        return None
    welcome = queries.first_year_without_welcome(user)
    stale = queries.stale_follow_ups(user)
    return {
        "welcome": list(welcome[:LIMIT]),
        "welcome_count": welcome.count(),
        "stale": list(stale[:LIMIT]),
        "stale_count": stale.count(),
    }
