"""What the header's search finds in the partner directory, read through
`queries.partners_for` (apps/core/search.py says how text matches)."""

from __future__ import annotations

from django.urls import reverse

from apps.accounts.models import User
from apps.core.registry import SearchHit
from apps.core.search import rank, text_matches
from apps.partners.models import PartnerType
from apps.partners.queries import partners_for


def search_partners(user: User, query: str, limit: int) -> list[SearchHit]:
    rows = (
        partners_for(user)
        .filter(text_matches("search_text", query))
        .annotate(score=rank("search_text", query))
        .order_by("-score", "name", "pk")
        .values("uuid", "name", "type", "commune")[:limit]
    )
    types = dict(PartnerType.choices)
    return [
        SearchHit(
            row["name"],
            reverse("partners:detail", kwargs={"uuid": row["uuid"]}),
            " · ".join(str(part) for part in (types.get(row["type"], ""), row["commune"]) if part),
        )
        for row in rows
    ]
