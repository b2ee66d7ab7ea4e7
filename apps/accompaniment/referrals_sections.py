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


def partner_referrals(request, partner):
    """Referral counts with this partner on its directory page: the user's SLSPs, or the
    region's counts (small ones suppressed) for coordinators. One aggregate query."""
    user = request.user
    if not rules.has_perm("accompaniment.view_network", user):
        return None
    slsp_ids = user.slsp_ids()
    staff = bool(slsp_ids)
    stats = queries.partner_referral_stats(
        user, partner, slsp_ids if staff else None, suppress=not staff
    )
    return {"partner": partner, "stats": stats, "staff": staff}
