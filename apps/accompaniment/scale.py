"""Scale dataset: 30,000 follow-ups, each resting on the household's consent, and
1,000,000 moments over five years (most within a follow-up, the rest one-off).

The rules of libre adhésion hold by construction, and tests/core/test_scale.py checks them:
every follow-up has a consent of its own household that covers a follow-up and is
valid on the opening day; a consent withdrawn closes its follow-up that same day.
"""

import datetime

from apps.accompaniment.models import (
    Consent,
    Domain,
    FollowUp,
    Moment,
    MomentKind,
    Objective,
    ObjectiveStatus,
    Outcome,
)
from apps.accompaniment.services import rebuild_moment_months
from apps.core.scale import copy_rows, next_id, spread
from apps.tenants.scale import mix

FIVE_YEARS = 5 * 365
IN_FOLLOW_UP = 0.7  # share of moments logged within a follow-up
DOMAINS = list(Domain)
OBJECTIVES = {
    Domain.IMPAYES: "Mettre en place un plan d'apurement et le tenir",
    Domain.HABITER: "Entretenir le logement et gérer le chauffage",
    Domain.VOISINAGE: "Apaiser un conflit de voisinage dans l'immeuble",
    Domain.RELOGEMENT: "Préparer le déménagement pendant les travaux",
    Domain.ACCUEIL: "Réussir la première année dans le logement",
    Domain.SPECIFIQUE: "Relayer vers le service spécialisé et suivre l'orientation",
}
KINDS = [k.value for k in MomentKind]
NOTES = ["Entretien constructif", "Documents remis", "À recontacter", "Absent", "Accord", ""]
CLOSING = [Outcome.STABILISED, Outcome.REFERRED, Outcome.TENANT_REQUEST, Outcome.LEFT]
SHARING_PARTNERS = 4  # apps/partners/scale.py: the network's first partners share data


def shared_partners(consent_id: int) -> list[int]:
    """Positions, in the SLSP's network, of the partners this consent shares data with."""
    first = consent_id % SHARING_PARTNERS
    if consent_id % 3 == 0:
        return [first, (first + 1) % SHARING_PARTNERS]
    return [first]


def seed(ctx):
    ranges = ctx.extra["households"]
    slsp_ids = [s["id"] for s in ctx.slsps]
    per_slsp = spread(ctx.counts["follow_ups"], [ranges[i][1] for i in slsp_ids])
    first_consent = next_id(Consent)
    first_follow_up = next_id(FollowUp)
    # (follow-up id, slsp id, household id, opened, closed, author) for the moments.
    follow_ups = []
    consents, rows = [], []
    k_global = 0
    for slsp_id, count in zip(slsp_ids, per_slsp, strict=True):
        start, n = ranges[slsp_id]
        authors = ctx.referents[slsp_id]
        for k in range(count):
            g = k_global
            k_global += 1
            household_id = start + (k * 3 + mix(g, 20) % 3) % n
            opened = ctx.days_ago(mix(g, 21) % FIVE_YEARS)
            age = (ctx.today - opened).days
            closed = outcome = None
            withdrawn = None
            if age > 180 and mix(g, 22) % 10 < 8:
                closed = min(ctx.today, opened + datetime.timedelta(days=60 + mix(g, 23) % 640))
                outcome = CLOSING[mix(g, 24) % len(CLOSING)]
                if mix(g, 25) % 20 == 0:
                    outcome = Outcome.CONSENT_WITHDRAWN
                    withdrawn = closed
            author = authors[g % len(authors)]
            consent_id = first_consent + len(consents)
            follow_up_id = first_follow_up + len(rows)
            given = opened - datetime.timedelta(days=mix(g, 26) % 15)
            consents.append((consent_id, slsp_id, household_id, given, author, withdrawn))
            domain = DOMAINS[mix(g, 27) % len(DOMAINS)]
            rows.append(
                (follow_up_id, slsp_id, household_id, consent_id, domain, opened, author, closed)
            )
            rows[-1] += (outcome or "",)
            follow_ups.append((follow_up_id, slsp_id, household_id, opened, closed, author))

    copy_rows(
        ctx,
        Consent,
        [
            "id",
            "uuid",
            "slsp",
            "household",
            "given_on",
            "recorded_by",
            "covers_follow_up",
            "expires_on",
            "withdrawn_on",
            "note",
            "created_at",
        ],
        (
            (cid, ctx.uuid(), sid, hid, given, author, True, None, withdrawn, "", ctx.now)
            for cid, sid, hid, given, author, withdrawn in consents
        ),
        total=len(consents),
    )
    network = ctx.extra.get("network", {})
    copy_rows(
        ctx,
        Consent.share_with.through,
        ["consent", "partner"],
        (
            (cid, network[sid][k])
            for cid, sid, *_ in consents
            if network.get(sid)
            for k in shared_partners(cid)
        ),
    )
    del consents

    def follow_up_rows():
        for fid, sid, hid, cid, domain, opened, author, closed, outcome in rows:
            arrears = domain == Domain.IMPAYES
            yield (
                fid,
                ctx.uuid(),
                sid,
                hid,
                cid,
                [domain.value],
                OBJECTIVES[domain],
                opened,
                author,
                closed,
                outcome,
                (100 + fid % 3000) if arrears else None,
                "plan" if arrears else "",
                None,
                None,
                "",
                None,
                None,
            )

    copy_rows(
        ctx,
        FollowUp,
        [
            "id",
            "uuid",
            "slsp",
            "household",
            "consent",
            "domains",
            "objective",
            "opened_on",
            "opened_by",
            "closed_on",
            "outcome",
            "arrears_amount",
            "arrears_stage",
            "arrears_plan_followed",
            "relocation_works",
            "relocation_kind",
            "relocation_start",
            "relocation_end",
        ],
        follow_up_rows(),
        total=len(rows),
    )

    def objectives():
        for fid, sid, _hid, _cid, domain, _opened, _author, closed, _outcome in rows:
            status = ObjectiveStatus.REACHED if closed else ObjectiveStatus.IN_PROGRESS
            yield (ctx.uuid(), sid, fid, OBJECTIVES[domain], status, ctx.today)
            if fid % 3 == 0:
                yield (
                    ctx.uuid(),
                    sid,
                    fid,
                    "Ouvrir les droits sociaux",
                    ObjectiveStatus.TODO,
                    ctx.today,
                )

    copy_rows(
        ctx, Objective, ["uuid", "slsp", "follow_up", "text", "status", "updated_on"], objectives()
    )
    ctx.extra["follow_ups"] = follow_ups
    _seed_moments(ctx, follow_ups, slsp_ids)
    # The referrals seed (apps/referrals/scale.py) refers from these follow-ups.
    ctx.extra["follow_up_rows"] = rows


def _seed_moments(ctx, follow_ups, slsp_ids):
    ranges = ctx.extra["households"]
    network = ctx.extra.get("network", {})
    total = ctx.counts["moments"]
    within = int(total * IN_FOLLOW_UP) if follow_ups else 0
    per_follow_up = spread(within, [1 + mix(f[0], 30) % 40 for f in follow_ups]) if within else []
    alone = spread(total - within, [ranges[i][1] for i in slsp_ids])
    first = next_id(Moment)
    rng = ctx.rng
    today = ctx.today
    uuid_ = ctx.uuid
    one_day = datetime.timedelta(days=1)
    durations = [15, 30, 30, 45, 60, 90]

    def moment(mid, sid, hid, fid, day, author):
        return (
            mid,
            uuid_(),
            sid,
            hid,
            fid,
            KINDS[rng.randrange(len(KINDS))],
            day,
            durations[rng.randrange(6)],
            author,
            "",
            NOTES[rng.randrange(len(NOTES))],
            "",
            "",
            datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC),
        )

    def moments():
        mid = first
        for (fid, sid, hid, opened, closed, author), count in zip(
            follow_ups, per_follow_up, strict=True
        ):
            span = ((closed or today) - opened).days + 1
            for _ in range(count):
                yield moment(mid, sid, hid, fid, opened + one_day * rng.randrange(span), author)
                mid += 1
        for sid, count in zip(slsp_ids, alone, strict=True):
            start, n = ranges[sid]
            authors = ctx.referents[sid]
            for k in range(count):
                day = today - one_day * rng.randrange(FIVE_YEARS)
                yield moment(mid, sid, start + rng.randrange(n), None, day, authors[k % 2])
                mid += 1

    copy_rows(
        ctx,
        Moment,
        [
            "id",
            "uuid",
            "slsp",
            "household",
            "follow_up",
            "kind",
            "date",
            "duration_minutes",
            "author",
            "participants",
            "note",
            "sensitivity",
            "sensitive_note",
            "created_at",
        ],
        moments(),
        total=total,
    )
    # One moment in thirty had a partner present (from the SLSP's network).
    slsp_of = _slsp_of_moment(first, follow_ups, per_follow_up, slsp_ids, alone)
    copy_rows(
        ctx,
        Moment.partners.through,
        ["moment", "partner"],
        (
            (mid, network[sid][mid % len(network[sid])])
            for mid, sid in slsp_of
            if mid % 30 == 0 and network.get(sid)
        ),
    )
    ctx.extra["moments"] = (first, total)
    # The COPY may have run with triggers off (fast path): recount the monthly summary.
    rebuild_moment_months()


def _slsp_of_moment(first, follow_ups, per_follow_up, slsp_ids, alone):
    """(moment id, slsp id) in the order the moments were written, without storing them."""
    mid = first
    for f, count in zip(follow_ups, per_follow_up, strict=True):
        for _ in range(count):
            yield mid, f[1]
            mid += 1
    for sid, count in zip(slsp_ids, alone, strict=True):
        for _ in range(count):
            yield mid, sid
            mid += 1
