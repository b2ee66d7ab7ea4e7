"""Home-page panel: agreements of my SLSP ending within 60 days."""

import rules

from apps.partners import queries
from apps.partners.models import EXPIRY_WARNING_DAYS


def expiring_agreements(request):
    user = request.user
    if not rules.has_perm("partners.view_expiring_agreements", user):
        return None
    rows = list(
        queries.expiring_agreements_for(user)
        .order_by("end_date", "pk")
        .select_related(None)
        .select_related("partner")
        .only("uuid", "purpose", "end_date", "partner__name")[:20]
    )
    return {"agreements": rows, "days": EXPIRY_WARNING_DAYS}
