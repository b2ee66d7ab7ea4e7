"""Reads of referrals: one visibility function, the partners a household may be referred
to, and the network statistics of an SLSP (counts only, no person)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Extract
from django.utils import timezone
from django.utils.functional import cached_property
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent
from apps.accounts.models import User
from apps.core.disclosure import SMALL_COUNT, suppress
from apps.core.periods import Semester
from apps.partners.models import Agreement, AgreementStatus, Partner, PartnerType, SlspPartner
from apps.partners.queries import network_partners_by_slsp, partners_for
from apps.referrals.models import Referral, ReferralEvent, ReferralStatus
from apps.slsps.models import Slsp
from apps.tenants.models import Household


class Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont) over a numeric expression."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


def response_days_expression() -> Any:
    """Days between sending and the partner's answer (fractional)."""
    return (
        Extract(
            ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField()),
            "epoch",
        )
        / 86400.0
    )


def referrals_for(user: User) -> QuerySet[Referral]:
    """Referrals of the user's SLSPs (référents, accompagnateurs, direction)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(slsp_id__in=user.slsp_ids())


def overdue_referrals(user: User, now: datetime.datetime | None = None) -> QuerySet[Referral]:
    """Sent, not answered, and older than the agreement's answer time (referrals whose
    agreement sets none are never overdue: there is nothing agreed to be late against)."""
    now = now or timezone.now()
    return (
        referrals_for(user)
        .filter(status=ReferralStatus.SENT, agreement__response_days__isnull=False)
        .annotate(
            due_at=ExpressionWrapper(
                F("sent_at") + F("agreement__response_days") * Value(datetime.timedelta(days=1)),
                output_field=DateTimeField(),
            )
        )
        .filter(due_at__lt=now)
        .order_by("due_at", "pk")
    )


def referrals_of(household: Household) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(household=household)
        .select_related("partner", "agreement", "follow_up")
        .order_by("-proposed_at", "-pk")
    )


def referral_rows(user: User) -> QuerySet[Referral]:
    """The SLSP's referral list: one query with household, partner and agreement."""
    return referrals_for(user).select_related("household", "partner", "agreement")


def referral_events(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("by_user").order_by("at", "pk")


def referrable_partners(
    user: User, household: Household, on: datetime.date | None = None
) -> QuerySet[Partner]:
    """Partners of the SLSP's network with whom the household consents to share, today,
    and with whom an agreement in force has a data-sharing clause (one query)."""
    on = on or timezone.localdate()
    consented = Consent.objects.filter(household=household, share_with=OuterRef("pk")).active_on(on)
    with scopes_disabled():
        agreed = Agreement.objects.filter(
            slsp_id=household.slsp_id, partner=OuterRef("pk"), shares_data=True
        ).active_on(on)
    return (
        partners_for(user)
        .filter(slsp_links__slsp_id=household.slsp_id)
        .filter(Exists(consented), Exists(agreed))
        .order_by("name")
    )


# --- Statistics (counts only) ---


def _stats_aggregates() -> dict[str, Any]:
    """Counts per status, acceptance and median response time, for .aggregate()/.annotate().

    A referral closed by a consent withdrawal before any answer is not an answer.
    """
    answered = Q(answered_at__isnull=False)
    accepted = answered & ~Q(status=ReferralStatus.REFUSED)
    return {
        "total": Count("pk"),
        "proposed": Count("pk", filter=Q(status=ReferralStatus.PROPOSED)),
        "sent": Count("pk", filter=Q(status=ReferralStatus.SENT)),
        "accepted": Count("pk", filter=Q(status=ReferralStatus.ACCEPTED)),
        "refused": Count("pk", filter=Q(status=ReferralStatus.REFUSED)),
        "in_progress": Count("pk", filter=Q(status=ReferralStatus.IN_PROGRESS)),
        "closed": Count("pk", filter=Q(status=ReferralStatus.CLOSED)),
        "answered": Count("pk", filter=answered),
        "accepted_ever": Count("pk", filter=accepted),
        "median_days": Median(response_days_expression(), filter=answered),
    }


# The statistics' counts: per status, then answered and accepted at some point.
COUNTS = (
    "total",
    "proposed",
    "sent",
    "accepted",
    "refused",
    "in_progress",
    "closed",
    "answered",
    "accepted_ever",
)


@dataclass
class Stats:
    # Built once from the aggregates, then read several times per row by templates:
    # the shown values are cached (display alone was rebuilt 200 times a page).
    total: int = 0
    proposed: int = 0
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    in_progress: int = 0
    closed: int = 0
    answered: int = 0
    accepted_ever: int = 0
    median_days: float | None = None
    suppress: bool = False

    @cached_property
    def acceptance_rate(self) -> float | None:
        """Accepted among answered, in percent (None with no answer, or too few to show)."""
        if not self.answered or (self.suppress and self.answered < SMALL_COUNT):
            return None
        return round(100 * self.accepted_ever / self.answered)

    @cached_property
    def median(self) -> float | None:
        if self.median_days is None or (self.suppress and self.answered < SMALL_COUNT):
            return None
        return round(self.median_days, 1)

    @cached_property
    def display(self) -> dict[str, int | str]:
        """Every count as shown, for templates."""
        return {name: self.shown(name) for name in COUNTS}

    def shown(self, name: str) -> int | str:
        """A count as shown: the disclosure rule's mark for coordinators when 1 to 4."""
        value: int = getattr(self, name)
        return suppress(value, about_people=self.suppress)


def _stats(row: Mapping[str, Any] | None, suppress: bool) -> Stats:
    row = dict(row or {})
    row.pop("partner_id", None)
    row.pop("partner__type", None)
    return Stats(
        **{k: (v if v is not None or k == "median_days" else 0) for k, v in row.items()},
        suppress=suppress,
    )


def _type_label(value: str) -> str:
    return str(PartnerType(value).label) if value in PartnerType.values else value


AGREEMENT_RANK = {
    AgreementStatus.ACTIVE: 4,
    AgreementStatus.EXPIRING: 3,
    AgreementStatus.UPCOMING: 2,
    AgreementStatus.EXPIRED: 1,
}


@dataclass
class NetworkRow:
    partner: Partner
    stats: Stats
    agreement_status: str = ""
    agreement_label: str = ""
    shares_data: bool = False
    response_days: int | None = None

    @property
    def late(self) -> bool:
        return (
            self.response_days is not None
            and self.stats.median is not None
            and self.stats.median > self.response_days
        )


@dataclass
class NetworkGroup:
    type_label: str
    rows: list[NetworkRow] = field(default_factory=list)
    total: Stats = field(default_factory=Stats)


def _grouped_stats(
    referrals: QuerySet[Referral],
) -> tuple[dict[int, dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any]]:
    """Statistics per partner, per partner type and overall, from one grouped query.

    Counts add up; medians do not, so each partner's group also returns its answered
    referrals' response days, and the medians of a type and of the whole are taken
    from their union the way PostgreSQL's percentile_cont(0.5) takes them (the same
    float arithmetic: tests compare with `_stats_aggregates`)."""
    aggregates = _stats_aggregates()
    aggregates.pop("median_days")
    answered = Q(answered_at__isnull=False)
    rows = list(
        referrals.values("partner_id", "partner__type")
        .annotate(
            **aggregates,
            days=ArrayAgg(response_days_expression(), filter=answered, default=Value([])),
        )
        .order_by()
    )

    def combine(group: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        out = {name: sum(row[name] for row in group) for name in COUNTS}
        out["median_days"] = percentile_median([d for row in group for d in row["days"]])
        return out

    per_partner = {row["partner_id"]: combine([row]) for row in rows}
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_type.setdefault(row["partner__type"], []).append(row)
    per_type = {type_: combine(group) for type_, group in by_type.items()}
    return per_partner, per_type, combine(rows)


def percentile_median(values: Iterable[float]) -> float | None:
    """PostgreSQL's percentile_cont(0.5) in float8: the middle value, or the lower middle
    plus half the gap to the upper one."""
    if not values:
        return None
    ordered = sorted(float(v) for v in values)
    position = 0.5 * (len(ordered) - 1)
    lower = int(position)
    if position == lower:
        return ordered[lower]
    low, high = ordered[lower], ordered[lower + 1]
    return low + (high - low) * (position - lower)


def network_of(slsp: Slsp, *, suppress: bool = False) -> dict[str, Any]:
    """The network of one SLSP: partners by type with agreement status and referral
    statistics. Three queries whatever the number of partners or referrals."""
    today = timezone.localdate()
    with scopes_disabled():
        links = list(
            SlspPartner.objects.filter(slsp=slsp)
            .select_related("partner")
            .order_by("partner__type", "partner__name")
        )
        agreements = list(
            Agreement.objects.filter(slsp=slsp)
            .with_status(today)
            .values("partner_id", "status", "shares_data", "response_days")
        )
        per_partner, per_type, overall = _grouped_stats(Referral.objects.filter(slsp=slsp))
    best: dict[int, dict[str, Any]] = {}
    for agreement in agreements:
        current = best.get(agreement["partner_id"])
        key = (AGREEMENT_RANK[agreement["status"]], agreement["shares_data"])
        if current is None or key > (AGREEMENT_RANK[current["status"]], current["shares_data"]):
            best[agreement["partner_id"]] = agreement
    groups: dict[str, NetworkGroup] = {}
    for link in links:
        partner = link.partner
        agreement = best.get(partner.pk)
        row = NetworkRow(partner=partner, stats=_stats(per_partner.get(partner.pk), suppress))
        if agreement:
            row.agreement_status = agreement["status"]
            row.agreement_label = str(AgreementStatus(agreement["status"]).label)
            row.shares_data = agreement["shares_data"]
            row.response_days = agreement["response_days"]
        group = groups.get(partner.type)
        if group is None:
            group = groups[partner.type] = NetworkGroup(
                type_label=_type_label(partner.type),
                total=_stats(per_type.get(partner.type), suppress),
            )
        group.rows.append(row)
    # Referrals to partners since removed from the network still count by type.
    by_type = [
        (_type_label(type_), _stats(row, suppress))
        for type_, row in sorted(per_type.items(), key=lambda item: _type_label(item[0]))
    ]
    return {
        "by_type": by_type,
        "groups": sorted(groups.values(), key=lambda g: g.type_label),
        "overall": _stats(overall, suppress),
        # The partners app's definition, the one every report prints.
        "partner_count": network_partners_by_slsp([slsp.pk], Semester.current()).get(slsp.pk, 0),
        "agreement_count": sum(1 for a in best.values() if a["status"] != AgreementStatus.EXPIRED),
    }


def partner_referral_stats(
    user: User,
    partner: Partner,
    slsp_ids: Iterable[int] | None = None,
    *,
    suppress: bool = False,
) -> Stats:
    """Referral statistics with one partner: of the given SLSPs, or of the region."""
    with scopes_disabled():
        qs = Referral.objects.filter(partner=partner)
        if slsp_ids is not None:
            qs = qs.filter(slsp_id__in=slsp_ids)
        return _stats(qs.aggregate(**_stats_aggregates()), suppress)


def referrals_this_semester_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Referrals proposed since the start of the semester, per SLSP (regional table)."""
    # Local midnight as an aware datetime: the same bound as proposed_at__date__gte=start
    # (which casts every row, so no index) but answered by index referral_slsp_proposed.
    since = Semester.current().start_datetime()
    with scopes_disabled():
        rows = (
            Referral.objects.filter(slsp_id__in=slsp_ids, proposed_at__gte=since)
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("*"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


# --- Semester figures (published in apps.referrals.apps through the core registry) ---


def _semester_referrals(slsp_ids: Iterable[int], semester: Semester) -> QuerySet[Referral]:
    # A referral belongs to the semester it was sent to the partner in (a draft never
    # sent is not an orientation yet): the semestrial report's definition.
    return Referral.objects.filter(
        slsp_id__in=list(slsp_ids),
        sent_at__gte=semester.start_datetime(),
        sent_at__lt=semester.end_datetime(),
    )


def referrals_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Referrals sent during the semester, per SLSP (about households)."""
    with scopes_disabled():
        rows = (
            _semester_referrals(slsp_ids, semester)
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("*"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def referral_breakdown(slsp_id: int, semester: Semester) -> dict[str, Any]:
    """One SLSP's referrals of the semester by partner type, status and outcome, and the
    median answer time in days: two queries."""
    with scopes_disabled():
        in_period = _semester_referrals([slsp_id], semester)
        rows = (
            in_period.values("partner__type", "status", "outcome")
            .annotate(n=Count("pk"))
            .order_by("partner__type", "status", "outcome")
        )
        by_type: dict[str, dict[str, Any]] = {}
        by_status: dict[str, int] = {}
        by_outcome: dict[str, int] = {}
        for row in rows:
            line = by_type.setdefault(
                row["partner__type"], {"type": row["partner__type"], "total": 0}
            )
            line[row["status"]] = line.get(row["status"], 0) + row["n"]
            line["total"] += row["n"]
            by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
            if row["outcome"]:
                by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["n"]
        answered = in_period.filter(answered_at__isnull=False, sent_at__isnull=False).aggregate(
            n=Count("pk"), median=Median(response_days_expression())
        )
    median = answered["median"]
    return {
        "total": sum(by_status.values()),
        "by_type": sorted(by_type.values(), key=lambda r: (-r["total"], r["type"])),
        "by_status": by_status,
        "by_outcome": by_outcome,
        "answered": answered["n"],
        "median_response_days": round(float(median), 1) if median is not None else None,
    }
