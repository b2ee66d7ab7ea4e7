"""What the header's search finds among referrals: by household (name or reference) or
by partner, read through `queries.referrals_for` (apps/core/search.py says how text
matches). The reason is never searched: it may hold what only the file should show."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from apps.accounts.models import User
from apps.core.registry import SearchHit
from apps.core.search import compact_matches, joined, rank, text_matches
from apps.partners.models import Partner
from apps.referrals.models import ReferralStatus
from apps.referrals.queries import referrals_for
from apps.tenants.queries import households_for


def search_referrals(user: User, query: str, limit: int) -> list[SearchHit]:
    # Households and partners are matched in subqueries of their own, each on its own
    # trigram index; matched across the join, every household of the region was folded.
    households = households_for(user).filter(
        text_matches("search_text", query) | compact_matches("reference_compact", query)
    )
    partners = Partner.objects.filter(text_matches("search_text", query))
    rows = (
        referrals_for(user)
        .filter(Q(household__in=households.values("pk")) | Q(partner__in=partners.values("pk")))
        .annotate(score=rank(joined("household__search_text", "partner__search_text"), query))
        .order_by("-score", "-proposed_at", "-pk")
        .values(
            "uuid",
            "status",
            "partner__name",
            "household__display_name",
            "household__reference",
        )[:limit]
    )
    statuses = dict(ReferralStatus.choices)
    return [
        SearchHit(
            f"{row['household__display_name'] or row['household__reference']} → "
            f"{row['partner__name']}",
            reverse("referrals:referral_detail", kwargs={"uuid": row["uuid"]}),
            str(statuses.get(row["status"], row["status"])),
        )
        for row in rows
    ]
