"""What the header's search finds among collective actions, read through
`queries.collective_actions_for` (apps/core/search.py says how text matches)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format

from apps.accounts.models import User
from apps.collective.models import CollectiveKind
from apps.collective.queries import collective_actions_for
from apps.core.registry import SearchHit
from apps.core.search import rank, text_matches


def search_collective_actions(user: User, query: str, limit: int) -> list[SearchHit]:
    rows = (
        collective_actions_for(user)
        .filter(text_matches("search_text", query))
        .annotate(score=rank("search_text", query))
        .order_by("-score", "-start_date", "-pk")
        .values("uuid", "title", "kind", "start_date")[:limit]
    )
    kinds = dict(CollectiveKind.choices)
    return [
        SearchHit(
            row["title"],
            reverse("collective:collective_detail", kwargs={"uuid": row["uuid"]}),
            f"{kinds.get(row['kind'], '')} · {date_format(row['start_date'], 'SHORT_DATE_FORMAT')}",
        )
        for row in rows
    ]
