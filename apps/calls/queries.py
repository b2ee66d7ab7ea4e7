"""Reads of the calls app: one visibility function per core model.

A dossier belongs to every applicant SLSP; its scoped manager follows the applicants,
and these functions state who sees what explicitly (`with_scopes_disabled()` plus the
filter of the rule), so coordinators and jurors, who have no SLSP scope, are served
by the same code path.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from apps.accounts.models import Role, User
from apps.accounts.rules import is_coordinator
from apps.calls import scoring
from apps.calls.models import (
    Assignment,
    Attachment,
    Call,
    CallStatus,
    Criterion,
    Dossier,
    DossierApplicant,
    DossierStatus,
    Outcome,
    Score,
)

JURY_PHASES = (CallStatus.REVIEW, CallStatus.DELIBERATION, CallStatus.DECIDED)
OPEN_TO_OTHERS = (CallStatus.DELIBERATION, CallStatus.DECIDED)
# A ranking, its results, the minutes and the decisions exist from the deliberation on:
# before it, partial scores would rank dossiers on one juror's opinion.
DELIBERATION_PHASES = (CallStatus.DELIBERATION, CallStatus.DECIDED)


def has_ranking(call: Call) -> bool:
    return call.status in DELIBERATION_PHASES


def is_provisional(call: Call) -> bool:
    """Every results document says "provisoire" until the decisions are final."""
    return call.status != CallStatus.DECIDED


def _dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.with_scopes_disabled()


def applicants_prefetch() -> Prefetch:
    """Every applicant of a dossier, whatever the request's scope (lead first)."""
    return Prefetch(
        "applicants",
        queryset=DossierApplicant.objects.with_scopes_disabled()
        .select_related("slsp")
        .order_by("-is_lead", "slsp__official_name"),
    )


def applicants_of(dossier: Dossier) -> list[DossierApplicant]:
    """Every applicant of one dossier with its SLSP (lead first), whatever the scope."""
    return list(
        DossierApplicant.objects.with_scopes_disabled()
        .filter(dossier=dossier)
        .select_related("slsp")
        .order_by("-is_lead", "slsp__official_name")
    )


def calls_for(user: User) -> QuerySet[Call]:
    if not user.is_authenticated:
        return Call.objects.none()
    if is_coordinator(user):
        return Call.objects.all()
    q = Q(pk__in=[])
    if user.slsp_ids():
        q |= ~Q(status=CallStatus.DRAFT)
    if user.has_role(Role.JURY):
        q |= Q(
            status__in=JURY_PHASES,
            pk__in=Assignment.objects.filter(juror=user).values("dossier__call_id"),
        )
    return Call.objects.filter(q)


def dossiers_for(user: User) -> QuerySet[Dossier]:
    """Dossiers the user may open.

    - référents, accompagnateurs, direction: dossiers where one of their SLSPs applies
      (lead or co-applicant);
    - coordinators: every dossier;
    - jurors: submitted dossiers assigned to them, in the jury phases, unless they hold
      a role in an applicant SLSP or declared a conflict (then never, whatever the URL).
    """
    if not user.is_authenticated:
        return Dossier.objects.none()
    if is_coordinator(user):
        return _dossiers().all()
    q = Q(pk__in=[])
    slsp_ids = user.slsp_ids()
    if slsp_ids:
        q |= Q(
            Exists(
                DossierApplicant.objects.with_scopes_disabled().filter(
                    dossier=OuterRef("pk"), slsp_id__in=slsp_ids
                )
            )
        )
    if user.has_role(Role.JURY):
        linked = [s for _r, s in user.role_pairs if s is not None]
        q |= Q(
            Exists(
                Assignment.objects.filter(dossier=OuterRef("pk"), juror=user).exclude(
                    conflict=Assignment.Conflict.CONFLICT
                )
            ),
            ~Exists(
                DossierApplicant.objects.with_scopes_disabled().filter(
                    dossier=OuterRef("pk"), slsp_id__in=linked
                )
            ),
            status=DossierStatus.SUBMITTED,
            call__status__in=JURY_PHASES,
        )
    return _dossiers().filter(q)


def assignments_for(user: User) -> QuerySet[Assignment]:
    """The juror's own assignments they may act on (same rule as dossiers_for)."""
    if not user.is_authenticated or not user.has_role(Role.JURY):
        return Assignment.objects.none()
    linked = [s for _r, s in user.role_pairs if s is not None]
    return Assignment.objects.filter(
        juror=user,
        dossier__status=DossierStatus.SUBMITTED,
        dossier__call__status__in=JURY_PHASES,
    ).exclude(
        Exists(
            DossierApplicant.objects.with_scopes_disabled().filter(
                dossier=OuterRef("dossier_id"), slsp_id__in=linked
            )
        )
    )


def juror_list(user: User) -> QuerySet[Assignment]:
    """The juror's list: constant queries whatever its length; only the fields it shows
    (an assignment, its dossier, call and SLSP carry a dozen timestamps otherwise)."""
    return (
        assignments_for(user)
        .select_related("dossier__call", "dossier__lead_slsp")
        .only(
            "uuid",
            "juror_id",
            "conflict",
            "status",
            "dossier__title",
            "dossier__call__title",
            "dossier__call__status",
            "dossier__call__scoring_deadline",
            "dossier__call__closes_at",
            "dossier__lead_slsp__short_name",
            "dossier__lead_slsp__official_name",
        )
        .annotate(
            co_applicants=Count("dossier__applicants") - 1,
            # Work to do first (an open review not yet handed in), then finished work of
            # calls under review, then calls in deliberation, decided calls last.
            urgency=Case(
                When(
                    Q(dossier__call__status=CallStatus.REVIEW)
                    & Q(status=Assignment.Status.DRAFT)
                    & ~Q(conflict=Assignment.Conflict.CONFLICT),
                    then=Value(0),
                ),
                When(dossier__call__status=CallStatus.REVIEW, then=Value(1)),
                When(dossier__call__status=CallStatus.DELIBERATION, then=Value(2)),
                default=Value(3),
            ),
        )
        .order_by(
            "urgency",
            F("dossier__call__scoring_deadline").asc(nulls_last=True),
            "dossier__call__closes_at",
            "dossier__title",
            "pk",
        )
    )


def attachments_for(user: User) -> QuerySet[Attachment]:
    """Attachments the user may download: those of the dossiers they may open, except
    that a juror gets a dossier's files only after declaring no conflict on it (an
    undeclared assignment opens the declaration form, nothing else)."""
    dossiers = dossiers_for(user)
    if user.is_authenticated and not is_coordinator(user) and user.has_role(Role.JURY):
        declared = Q(
            Exists(
                Assignment.objects.filter(
                    dossier=OuterRef("pk"), juror=user, conflict=Assignment.Conflict.NONE
                )
            )
        )
        slsp_ids = user.slsp_ids()
        if slsp_ids:
            declared |= Q(
                Exists(
                    DossierApplicant.objects.with_scopes_disabled().filter(
                        dossier=OuterRef("pk"), slsp_id__in=slsp_ids
                    )
                )
            )
        dossiers = dossiers.filter(declared)
    return Attachment.objects.filter(dossier__in=dossiers)


def dossier_detail(user: User, uuid: UUID | str) -> QuerySet[Dossier]:
    return (
        dossiers_for(user)
        .select_related("call", "lead_slsp", "decision", "approved_by")
        .prefetch_related(applicants_prefetch(), "actions", "budget_lines", "partners")
        .prefetch_related("attachments")
        .filter(uuid=uuid)
    )


def my_dossiers(user: User) -> QuerySet[Dossier]:
    """Dossiers of the user's own SLSPs (lead or co-applicant)."""
    slsp_ids = user.slsp_ids()
    return (
        _dossiers()
        .filter(
            Exists(
                DossierApplicant.objects.with_scopes_disabled().filter(
                    dossier=OuterRef("pk"), slsp_id__in=slsp_ids
                )
            )
        )
        .select_related("call", "lead_slsp", "decision")
        .prefetch_related(applicants_prefetch())
        .order_by("-call__closes_at", "title")
    )


def call_summary(call: Call) -> dict[str, Any]:
    """Counts of one call: dossiers per status, SLSPs covered (each counted once), money."""
    dossiers = _dossiers().filter(call=call)
    counts = dossiers.aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(status=DossierStatus.SUBMITTED)),
        drafts=Count("pk", filter=Q(status=DossierStatus.DRAFT)),
        requested=Coalesce(
            Sum("requested_amount", filter=Q(status=DossierStatus.SUBMITTED)), Decimal("0")
        ),
    )
    counts["slsps"] = _slsps_covered(call)
    counts["joint"] = (
        dossiers.filter(status=DossierStatus.SUBMITTED)
        .annotate(n=Count("applicants"))
        .filter(n__gt=1)
        .count()
    )
    return counts


def _slsps_covered(call: Call) -> int:
    """SLSPs lead or co-applicant of a submitted dossier of the call, each counted once."""
    return (
        DossierApplicant.objects.with_scopes_disabled()
        .filter(dossier__call=call, dossier__status=DossierStatus.SUBMITTED)
        .values("slsp_id")
        .distinct()
        .count()
    )


def ranking_summary(call: Call, rows: list[scoring.DossierResult]) -> dict[str, Any]:
    """The figures of `call_summary` the ranking page shows, from its rows plus one query
    (the ranking already holds every submitted dossier and its requested amount)."""
    return {
        "submitted": len(rows),
        "slsps": _slsps_covered(call),
        "requested": sum(
            (r.dossier.requested_amount for r in rows if r.dossier.requested_amount is not None),
            Decimal("0"),
        ),
    }


def criteria_specs(call: Call) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(c.pk, c.label, c.weight, c.scale_min, c.scale_max, c.counts)
        for c in Criterion.objects.filter(call=call).order_by("position", "pk")
    ]


def submitted_scores(
    call: Call, dossier_ids: Iterable[int] | None = None
) -> dict[int, dict[int, dict[int, Decimal | None]]]:
    """{dossier: {juror: {criterion: value}}} from submitted, non-conflicted reviews."""
    rows = Score.objects.filter(
        assignment__dossier__call=call,
        assignment__status=Assignment.Status.SUBMITTED,
        assignment__dossier__status=DossierStatus.SUBMITTED,
    ).exclude(assignment__conflict=Assignment.Conflict.CONFLICT)
    if dossier_ids is not None:
        rows = rows.filter(assignment__dossier_id__in=dossier_ids)
    scores: dict[int, dict[int, dict[int, Decimal | None]]] = {}
    for dossier_id, juror_id, criterion_id, value in rows.values_list(
        "assignment__dossier_id", "assignment__juror_id", "criterion_id", "value"
    ):
        scores.setdefault(dossier_id, {}).setdefault(juror_id, {})[criterion_id] = value
    return scores


# What the ranking page, the results PDF and the demo read of a ranked dossier: loading
# the summaries, domain lists and SLSP details of 60 dossiers cost more than the query.
RANKING_FIELDS = (
    "uuid",
    "call_id",
    "title",
    "requested_amount",
    "status",
    "lead_slsp__short_name",
    "lead_slsp__official_name",
    "decision__outcome",
    "decision__granted_amount",
    "decision__rationale",
)


def ranking(call: Call) -> dict[str, Any]:
    """The consolidated ranking of a call: three queries whatever the number of dossiers."""
    criteria = criteria_specs(call)
    dossiers = list(
        _dossiers()
        .filter(call=call, status=DossierStatus.SUBMITTED)
        .select_related("lead_slsp", "decision")
        .only(*RANKING_FIELDS)
        .annotate(n_applicants=Count("applicants"))
        .order_by("title", "pk")
    )
    results = scoring.consolidate(criteria, submitted_scores(call), call.disagreement_threshold)
    rows = []
    for dossier in dossiers:
        result = results.get(dossier.pk) or scoring.DossierResult(
            dossier.pk, None, None, [], 0, False
        )
        result.dossier = dossier
        rows.append(result)
    ordered = scoring.rank(rows)
    scoring.cumulate(ordered, {d.pk: d.requested_amount for d in dossiers}, call.total_budget)
    return {"criteria": criteria, "rows": ordered}


def progress(call: Call) -> dict[str, Any]:
    """Scoring progress per juror and per dossier (coordinator only)."""
    base = Assignment.objects.filter(dossier__call=call, dossier__status=DossierStatus.SUBMITTED)
    submitted = Q(status=Assignment.Status.SUBMITTED)
    conflict = Q(conflict=Assignment.Conflict.CONFLICT)
    per_juror = (
        base.values("juror_id", "juror__first_name", "juror__last_name", "juror__email")
        .annotate(
            assigned=Count("pk"),
            done=Count("pk", filter=submitted),
            conflicts=Count("pk", filter=conflict),
            undeclared=Count("pk", filter=Q(conflict=Assignment.Conflict.UNDECLARED)),
        )
        .order_by("juror__last_name", "juror__first_name")
    )
    per_dossier = (
        _dossiers()
        .filter(call=call, status=DossierStatus.SUBMITTED)
        .select_related("lead_slsp")
        .annotate(
            assigned=Count("assignments"),
            done=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)),
            conflicts=Count(
                "assignments", filter=Q(assignments__conflict=Assignment.Conflict.CONFLICT)
            ),
        )
        .annotate(
            missing=F("assigned") - F("done") - F("conflicts"),
            available=F("assigned") - F("conflicts"),
        )
        .order_by("title", "pk")
    )
    return {"per_juror": list(per_juror), "per_dossier": per_dossier}


def short_of_jurors(call: Call) -> QuerySet[Dossier]:
    """Submitted dossiers left with fewer jurors without conflict than the call requires
    (a conflict declared after the assignment): the president picks a replacement."""
    return (
        _dossiers()
        .filter(call=call, status=DossierStatus.SUBMITTED)
        .annotate(
            available=Count(
                "assignments", filter=~Q(assignments__conflict=Assignment.Conflict.CONFLICT)
            ),
            conflicts=Count(
                "assignments", filter=Q(assignments__conflict=Assignment.Conflict.CONFLICT)
            ),
        )
        .filter(available__lt=call.jurors_per_dossier, conflicts__gt=0)
        .select_related("lead_slsp")
        .order_by("title", "pk")
    )


def replacement_pool(dossier: Dossier) -> QuerySet[User]:
    """Active jurors not yet assigned to the dossier and holding no role in an applicant
    SLSP (the same automatic conflict as the assignment refuses)."""
    from apps.accounts.models import Membership

    applicants = DossierApplicant.objects.with_scopes_disabled().filter(dossier=dossier)
    return (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=Role.JURY).values("user_id"),
        )
        .exclude(pk__in=Assignment.objects.filter(dossier=dossier).values("juror_id"))
        .exclude(
            pk__in=Membership.objects.filter(slsp_id__in=applicants.values("slsp_id")).values(
                "user_id"
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def call_jurors(call: Call) -> QuerySet[User]:
    """Every juror assigned to a dossier of the call (conflicts included)."""
    return User.objects.filter(
        pk__in=Assignment.objects.filter(dossier__call=call).values("juror_id")
    ).order_by("last_name", "first_name", "pk")


def review_total(
    assignment: Assignment, criteria: list[scoring.CriterionSpec] | None = None
) -> dict[str, Any]:
    """One juror's own scores with each criterion's weight, and their weighted total /100
    (the same arithmetic as the consolidated ranking)."""
    if criteria is None:
        criteria = criteria_specs(assignment.dossier.call)
    values = dict(Score.objects.filter(assignment=assignment).values_list("criterion_id", "value"))
    lines = [(c, values.get(c.id)) for c in criteria]
    means = {cid: float(v) for cid, v in values.items() if v is not None}
    return {"lines": lines, "total": scoring.weighted_total(criteria, means)}


def outcome_figures(call: Call, rows: list[scoring.DossierResult]) -> dict[str, Any]:
    """The money and the counts of the decisions: the ONE place the pages, the PDFs and
    the XLSX read the total granted and what remains of the envelope."""
    granted = Decimal("0")
    counts = {o.value: 0 for o in Outcome}
    for row in rows:
        decision = getattr(row.dossier, "decision", None)
        if decision is None:
            continue
        counts[decision.outcome] = counts.get(decision.outcome, 0) + 1
        granted += decision.granted_amount or Decimal("0")
    return {
        "budget": call.total_budget,
        "granted": granted,
        "remaining": call.total_budget - granted,
        "over_budget": granted > call.total_budget,
        "selected": counts[Outcome.SELECTED],
        "waiting": counts[Outcome.WAITING],
        "rejected": counts[Outcome.REJECTED],
        "undecided": len(rows) - sum(counts.values()),
    }


def deliberation(call: Call) -> dict[str, Any]:
    """What every deliberation output shows: the ranking (its scores), the summary and
    the money figures, computed once (the page, the results PDF, the minutes and the
    XLSX read this, so their figures cannot differ)."""
    data = ranking(call)
    data["summary"] = ranking_summary(call, data["rows"])
    data["figures"] = outcome_figures(call, data["rows"])
    data["provisional"] = is_provisional(call)
    return data


def may_see_others(assignment: Assignment) -> bool:
    """Blind scoring: after one's own submission AND from the deliberation phase only."""
    return assignment.is_submitted and assignment.dossier.call.status in OPEN_TO_OTHERS


def other_reviews(assignment: Assignment) -> list[Assignment]:
    """The other jurors' submitted reviews of the dossier, anonymous (no names)."""
    if not may_see_others(assignment):
        return []
    return list(
        Assignment.objects.filter(
            dossier_id=assignment.dossier_id, status=Assignment.Status.SUBMITTED
        )
        .exclude(pk=assignment.pk)
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("pk")
    )


def applicant_feedback(dossier: Dossier) -> list[dict[str, Any]] | None:
    """The jury's comments on a decided dossier for its applicants, without jurors' names."""
    if dossier.call.status != CallStatus.DECIDED:
        return None
    reviews = (
        Assignment.objects.filter(dossier=dossier, status=Assignment.Status.SUBMITTED)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("criterion")
                .exclude(comment="")
                .order_by("criterion__position"),
            )
        )
        .order_by("pk")
    )
    return [
        {
            "overall": r.overall_comment,
            "comments": [(s.criterion.label, s.comment) for s in r.scores.all()],
        }
        for r in reviews
    ]


def dossiers_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Submitted dossiers per SLSP, as lead or co-applicant (each dossier once per SLSP),
    for the SWL regional table: one aggregate query, no personal data."""
    rows = (
        DossierApplicant.objects.with_scopes_disabled()
        .filter(slsp_id__in=slsp_ids, dossier__status=DossierStatus.SUBMITTED)
        .values("slsp_id")
        .annotate(n=Count("dossier_id", distinct=True))
        .values_list("slsp_id", "n")
    )
    return dict(rows)


def library_for(user: User) -> QuerySet[Dossier]:
    """Good practices: selected dossiers of decided calls, for every SLSP staff and the SWL."""
    if not user.is_authenticated or not (user.slsp_ids() or is_coordinator(user)):
        return Dossier.objects.none()
    return (
        _dossiers()
        .filter(call__status=CallStatus.DECIDED, decision__outcome=Outcome.SELECTED)
        .select_related("call", "lead_slsp", "decision")
        .prefetch_related(applicants_prefetch(), "actions")
        .order_by("-call__closes_at", "title")
    )


def letter_recipients(call: Call) -> list[DossierApplicant]:
    """Each applicant SLSP of a decided dossier (one letter each), dossier by dossier."""
    return list(
        DossierApplicant.objects.with_scopes_disabled()
        .filter(
            dossier__call=call,
            dossier__status=DossierStatus.SUBMITTED,
            dossier__decision__isnull=False,
        )
        .select_related("slsp", "dossier")
        .only("is_lead", "slsp__uuid", "slsp__official_name", "dossier__uuid", "dossier__title")
        .order_by("dossier__title", "dossier_id", "-is_lead", "slsp__official_name")
    )


def library_years(user: User) -> list[int]:
    """The years of the calls the library holds, newest first (the year filter's choices)."""
    return list(
        library_for(user)
        .order_by()
        .annotate(call_year=ExtractYear("call__closes_at"))
        .values_list("call_year", flat=True)
        .distinct()
        .order_by("-call_year")
    )
