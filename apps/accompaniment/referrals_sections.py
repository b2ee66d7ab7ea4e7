"""The referrals part of the household page (registered on the tenants page)."""

import rules

from apps.accompaniment import referrals_queries as queries


def household_referrals(request, household):
    user = request.user
    if not rules.has_perm("accompaniment.view_referral", user, household):
        return None
    can_refer = rules.has_perm("accompaniment.refer", user, household)
    return {
        "household": household,
        "referrals": list(queries.referrals_of(household)),
        "can_refer": can_refer,
        "open_follow_ups": list(
            household.follow_ups.filter(closed_on__isnull=True).order_by("-opened_on")
        )
        if can_refer
        else [],
        "referrable_count": queries.referrable_partners(user, household).count()
        if can_refer
        else 0,
    }
