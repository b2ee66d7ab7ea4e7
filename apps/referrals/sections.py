"""The referrals part of the household page (registered on the tenants page)."""

from apps.accompaniment.sections import household_follow_ups
from apps.core.permissions import allowed
from apps.referrals import queries

REFERRAL_ROW_FIELDS = (
    "uuid",
    "status",
    "sharing_stopped_at",
    "proposed_at",
    "sent_at",
    "answered_at",
    "outcome",
    "partner__name",
)


def household_referrals(request, household):
    user = request.user
    if not allowed(user, "referrals.view_referral", household):
        return None
    can_refer = allowed(user, "referrals.refer", household)
    # The follow-ups the accompaniment section has already read (newest first).
    open_follow_ups = [f for f in household_follow_ups(household) if f.is_open] if can_refer else []
    return {
        "household": household,
        # The table shows the partner only: no join on agreement and follow-up, and
        # only the columns it shows.
        "referrals": list(
            queries.referrals_of(household)
            .select_related(None)
            .select_related("partner")
            .only(*REFERRAL_ROW_FIELDS)
        ),
        "can_refer": can_refer,
        "open_follow_ups": open_follow_ups,
        # Only asked when there is a follow-up to refer from (the template's only use).
        "referrable_count": queries.referrable_partners(user, household).count()
        if open_follow_ups
        else 0,
    }


def partner_referrals(request, partner):
    """Referral counts with this partner on its directory page: the user's SLSPs, or the
    region's counts (small ones suppressed) for coordinators. One aggregate query."""
    user = request.user
    if not allowed(user, "referrals.view_network"):
        return None
    slsp_ids = user.slsp_ids()
    staff = bool(slsp_ids)
    stats = queries.partner_referral_stats(
        user, partner, slsp_ids if staff else None, suppress=not staff
    )
    return {"partner": partner, "stats": stats, "staff": staff}
