"""Scale dataset: collective actions over five years with their sessions (counts,
never names)."""

import datetime
from collections.abc import Iterator
from typing import Any

from apps.collective.models import ActionSession, CollectiveAction, CollectiveKind
from apps.core.scale import ScaleContext, copy_rows, next_id, spread
from apps.tenants.scale import mix

FIVE_YEARS = 5 * 365
COLLECTIVE_TITLES = ["Fête des voisins", "Atelier cuisine", "École de devoirs", "Potager"]


def seed(ctx: ScaleContext) -> None:
    slsp_ids = [s["id"] for s in ctx.slsps]
    per_slsp = spread(ctx.counts["collective_actions"], [1] * len(slsp_ids))
    network = ctx.extra.get("network", {})
    kinds = list(CollectiveKind)
    first = next_id(CollectiveAction)
    actions: list[tuple[int, int, datetime.date, datetime.date, int, int]] = []
    for sid, count in zip(slsp_ids, per_slsp, strict=True):
        author = ctx.referents[sid][0]
        for _ in range(count):
            aid = first + len(actions)
            start = ctx.days_ago(mix(aid, 60) % FIVE_YEARS)
            length = 1 if mix(aid, 61) % 3 == 0 else 30 + mix(aid, 62) % 300
            end = min(ctx.today, start + datetime.timedelta(days=length))
            sessions = 1 if length == 1 else 2 + mix(aid, 63) % 10
            actions.append((aid, sid, start, end, sessions, author))
    copy_rows(
        ctx,
        CollectiveAction,
        [
            "id",
            "uuid",
            "slsp",
            "kind",
            "title",
            "district",
            "objective",
            "start_date",
            "end_date",
            "outcome",
            "outcome_recorded_on",
            "created_by",
            "created_at",
            "updated_at",
        ],
        (
            (
                aid,
                ctx.uuid(),
                sid,
                kinds[aid % len(kinds)].value,
                f"{COLLECTIVE_TITLES[aid % len(COLLECTIVE_TITLES)]} {aid - first + 1}",
                f"Cité {1 + aid % 5:02d}",
                "Créer du lien entre voisins et avec les services du quartier.",
                start,
                end,
                "Bonne participation des locataires." if end < ctx.today else "",
                end if end < ctx.today else None,
                author,
                ctx.now,
                ctx.now,
            )
            for aid, sid, start, end, _sessions, author in actions
        ),
    )
    copy_rows(
        ctx,
        CollectiveAction.partners.through,
        ["collectiveaction", "partner"],
        (
            (aid, network[sid][aid % len(network[sid])])
            for aid, sid, *_ in actions
            if aid % 2 == 0 and network.get(sid)
        ),
    )

    def session_rows() -> Iterator[tuple[Any, ...]]:
        for aid, sid, start, end, count, author in actions:
            span = max(1, (end - start).days)
            for s in range(count):
                participants = 5 + mix(aid, 70 + s) % 40
                yield (
                    ctx.uuid(),
                    aid,
                    sid,
                    start + datetime.timedelta(days=span * s // count),
                    participants,
                    participants * 2 // 3,
                    mix(aid, 90 + s) % 4,
                    "",
                    author,
                    ctx.now,
                )

    copy_rows(
        ctx,
        ActionSession,
        [
            "uuid",
            "action",
            "slsp",
            "date",
            "participants",
            "tenants",
            "volunteers",
            "note",
            "created_by",
            "created_at",
        ],
        session_rows(),
    )
