"""The referrals' part of the home's work list: referrals waiting for the partner's
answer beyond the answer time agreed in the partnership agreement."""

from apps.core.permissions import allowed
from apps.referrals.queries import overdue_referrals

LIMIT = 8


def overdue(request):
    user = request.user
    if not allowed(user, "referrals.view_referrals"):
        return None
    rows = list(
        overdue_referrals(user)
        .select_related("household", "partner")
        .only("uuid", "sent_at", "household__reference", "partner__name")[: LIMIT + 1]
    )
    count = len(rows) if len(rows) <= LIMIT else overdue_referrals(user).count()
    return {"rows": rows[:LIMIT], "count": count}
