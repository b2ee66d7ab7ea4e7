"""Scale dataset: referrals from the follow-ups of apps/accompaniment/scale.py to
partners the consent shares with, with their status history."""

import datetime

from apps.accompaniment.models import Outcome
from apps.accompaniment.scale import shared_partners
from apps.core.scale import copy_rows, next_id, spread
from apps.referrals.models import Referral, ReferralEvent, ReferralOutcome, ReferralStatus
from apps.tenants.scale import mix


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def seed(ctx) -> None:
    """Referrals from follow-ups to partners the consent shares with, under the SLSP's
    data-sharing agreement, proposed while the follow-up was open; the workflow's
    events follow each one's status. A withdrawn consent stopped the sharing."""
    rows = ctx.extra.get("follow_up_rows", [])
    network = ctx.extra.get("network", {})
    agreements = ctx.extra.get("sharing_agreements", {})
    total = ctx.counts["referrals"]
    if not rows or not network:
        return
    per = spread(total, [1 + mix(r[0], 50) % 3 for r in rows])
    first = next_id(Referral)
    day = datetime.timedelta(days=1)
    referrals = []  # (id, slsp, status, by_user, [(at, from, to)]) for the events
    S = ReferralStatus

    def rows_out():
        rid = first
        for (fid, sid, hid, cid, _domain, opened, author, closed, outcome), count in zip(
            rows, per, strict=True
        ):
            end = closed or ctx.today
            span = max(1, (end - opened).days)
            choices = shared_partners(cid)
            withdrawn = outcome == Outcome.CONSENT_WITHDRAWN
            for j in range(count):
                k = choices[j % len(choices)]
                proposed = opened + day * (mix(rid, 51) % span)
                steps = [("", S.PROPOSED, proposed)]
                dates = {"sent_at": None, "answered_at": None, "started_at": None}
                dates["closed_at"] = None
                status, result, stopped = S.PROPOSED, "", None
                # How far the workflow went: by the follow-up's end or by today.
                room = (end - proposed).days
                plan = [(S.SENT, "sent_at", 1), (S.ACCEPTED, "answered_at", 8)]
                plan += [(S.IN_PROGRESS, "started_at", 15), (S.CLOSED, "closed_at", 60)]
                if mix(rid, 52) % 8 == 0:
                    plan = [(S.SENT, "sent_at", 1), (S.REFUSED, "answered_at", 10)]
                for to, name, after in plan:
                    if room < after:
                        break
                    steps.append((status, to, proposed + day * after))
                    dates[name] = _at(proposed + day * after)
                    status = to
                if status == S.CLOSED:
                    result = ReferralOutcome.REACHED if rid % 3 else ReferralOutcome.PARTIAL
                if withdrawn and status in OPEN:
                    steps.append((status, S.CLOSED, end))
                    dates["closed_at"] = _at(end)
                    status, result, stopped = S.CLOSED, ReferralOutcome.CONSENT_WITHDRAWN, end
                referrals.append((rid, sid, author, steps))
                yield (
                    rid,
                    ctx.uuid(),
                    sid,
                    fid,
                    hid,
                    network[sid][k],
                    agreements[sid][k],
                    "Orientation vers un service spécialisé du réseau.",
                    ["identite", "composition"],
                    status,
                    _at(proposed),
                    dates["sent_at"],
                    dates["answered_at"],
                    dates["started_at"],
                    dates["closed_at"],
                    result,
                    "",
                    "",
                    "",
                    _at(stopped) if stopped else None,
                    author,
                )
                rid += 1

    copy_rows(
        ctx,
        Referral,
        [
            "id",
            "uuid",
            "slsp",
            "follow_up",
            "household",
            "partner",
            "agreement",
            "reason",
            "shared_data",
            "status",
            "proposed_at",
            "sent_at",
            "answered_at",
            "started_at",
            "closed_at",
            "outcome",
            "outcome_note",
            "answer_note",
            "recipient_email",
            "sharing_stopped_at",
            "created_by",
        ],
        rows_out(),
        total=total,
    )
    copy_rows(
        ctx,
        ReferralEvent,
        ["slsp", "referral", "at", "from_status", "to_status", "by_user", "note"],
        (
            (sid, rid, _at(when), before, after, author, "")
            for rid, sid, author, steps in referrals
            for before, after, when in steps
        ),
    )


OPEN = {"proposed", "sent", "accepted", "in_progress"}
