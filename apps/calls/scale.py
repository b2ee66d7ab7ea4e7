"""Scale dataset: 10 calls for projects, 60 submitted dossiers each (some joint), 7 jurors
per call who scored every dossier on every criterion; the eight oldest calls decided."""

import datetime
from decimal import Decimal

from apps.calls.models import (
    Assignment,
    Call,
    CallStatus,
    Criterion,
    Decision,
    Dossier,
    DossierApplicant,
    DossierStatus,
    Outcome,
    Score,
)
from apps.core.scale import copy_rows, next_id
from apps.tenants.scale import mix

CRITERIA = [
    ("Pertinence au regard des besoins des locataires", Decimal("3")),
    ("Qualité du partenariat", Decimal("2")),
    ("Faisabilité et calendrier", Decimal("2")),
    ("Budget réaliste", Decimal("1")),
    ("Évaluation prévue", Decimal("1")),
]
DOMAINS = ["habiter", "impayes", "relogement", "voisinage", "insertion"]


def seed(ctx):
    calls = ctx.counts["calls"]
    per_call = ctx.counts["dossiers_per_call"]
    jurors_per_call = ctx.counts["jurors_per_call"]
    jurors = ctx.users.get("jurors", [])
    coordinator = ctx.users["coordinator"][0]
    slsp_ids = [s["id"] for s in ctx.slsps]
    first_call = next_id(Call)
    first_criterion = next_id(Criterion)
    first_dossier = next_id(Dossier)
    first_assignment = next_id(Assignment)

    def status(c):
        if c < calls - 2:
            return CallStatus.DECIDED
        return CallStatus.DELIBERATION if c == calls - 2 else CallStatus.REVIEW

    call_rows = []
    for c in range(calls):
        closes = ctx.now - datetime.timedelta(days=365 * (calls - 1 - c) // 2 + 30)
        call_rows.append(
            (
                first_call + c,
                ctx.uuid(),
                f"Appel à projets d'accompagnement social {c + 1:02d}",
                "Soutien aux projets collectifs et individuels des SLSP.",
                closes - datetime.timedelta(days=90),
                closes,
                (closes + datetime.timedelta(days=20)).date(),
                Decimal("1500000.00"),
                Decimal("60000.00"),
                status(c),
                Decimal("1.50"),
                "",
                ctx.now,
                ctx.now,
            )
        )
    copy_rows(
        ctx,
        Call,
        [
            "id",
            "uuid",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "jury_meeting_on",
            "total_budget",
            "ceiling_per_dossier",
            "status",
            "disagreement_threshold",
            "deliberation_notes",
            "created_at",
            "updated_at",
        ],
        call_rows,
    )
    copy_rows(
        ctx,
        Criterion,
        ["id", "call", "position", "label", "description", "weight", "scale_min", "scale_max"]
        + ["counts"],
        (
            (first_criterion + c * len(CRITERIA) + p, first_call + c, p, label, "", w, 0, 5, True)
            for c in range(calls)
            for p, (label, w) in enumerate(CRITERIA)
        ),
    )
    dossiers, applicants = [], []
    for c in range(calls):
        for d in range(per_call):
            g = c * per_call + d
            dossier_id = first_dossier + g
            lead = slsp_ids[g % len(slsp_ids)]
            submitted = call_rows[c][5] - datetime.timedelta(days=1 + d % 20)
            dossiers.append(
                (
                    dossier_id,
                    ctx.uuid(),
                    first_call + c,
                    lead,
                    f"Projet {g + 1:03d} : mieux vivre ensemble",
                    "Actions collectives et accompagnement individuel.",
                    [DOMAINS[g % len(DOMAINS)]],
                    ["accompagne"],
                    Decimal(20000 + mix(g, 40) % 40000),
                    DossierStatus.SUBMITTED,
                    submitted,
                    ctx.referents[lead][0],
                    submitted,
                    submitted,
                )
            )
            applicants.append((dossier_id, lead, True))
            if d % 4 == 0:  # one dossier in four is joint with a neighbour SLSP
                applicants.append((dossier_id, slsp_ids[(g + 1) % len(slsp_ids)], False))
    copy_rows(
        ctx,
        Dossier,
        [
            "id",
            "uuid",
            "call",
            "lead_slsp",
            "title",
            "summary",
            "domains",
            "target_publics",
            "requested_amount",
            "status",
            "submitted_at",
            "created_by",
            "created_at",
            "updated_at",
        ],
        dossiers,
    )
    copy_rows(ctx, DossierApplicant, ["dossier", "slsp", "is_lead"], applicants)

    if not jurors:
        return
    assignments = []
    for c in range(calls):
        panel = [jurors[(c * jurors_per_call + j) % len(jurors)] for j in range(jurors_per_call)]
        for d in range(per_call):
            for juror in panel:
                aid = first_assignment + len(assignments)
                done = status(c) != CallStatus.REVIEW or (aid % 3 != 0)
                assignments.append((aid, first_dossier + c * per_call + d, juror, c, done))
    copy_rows(
        ctx,
        Assignment,
        [
            "id",
            "uuid",
            "dossier",
            "juror",
            "conflict",
            "conflict_reason",
            "declared_at",
            "status",
            "overall_comment",
            "submitted_at",
            "created_at",
        ],
        (
            (
                aid,
                ctx.uuid(),
                did,
                juror,
                Assignment.Conflict.NONE,
                "",
                ctx.now,
                Assignment.Status.SUBMITTED if done else Assignment.Status.DRAFT,
                "",
                ctx.now if done else None,
                ctx.now,
            )
            for aid, did, juror, _c, done in assignments
        ),
    )
    copy_rows(
        ctx,
        Score,
        ["assignment", "criterion", "value", "comment"],
        (
            (aid, first_criterion + c * len(CRITERIA) + p, Decimal(mix(aid, p) % 6), "")
            for aid, _did, _juror, c, done in assignments
            if done
            for p in range(len(CRITERIA))
        ),
    )
    copy_rows(
        ctx,
        Decision,
        ["dossier", "outcome", "granted_amount", "rationale", "decided_by", "decided_at"],
        (
            (
                first_dossier + c * per_call + d,
                Outcome.SELECTED if d % 3 == 0 else Outcome.REJECTED,
                Decimal("20000.00") if d % 3 == 0 else None,
                "Décision du jury après délibération.",
                coordinator,
                ctx.now,
            )
            for c in range(calls)
            if status(c) == CallStatus.DECIDED
            for d in range(per_call)
        ),
    )
