"""Indicators of one SLSP for one semester (S1 = January-June, S2 = July-December).

`compute(slsp_id, year, semester)` runs a fixed number of aggregate queries (one per
block below, whatever the volume) and returns plain data: counts, codes and
durations, never a name, a note or an id of a household. The result is what a draft
report shows and what a validated report freezes (as JSON), and what the regional
report sums up.

The caller opens the SLSP's scope (tasks do); every query also filters on the SLSP.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, Exists, ExpressionWrapper, OuterRef, Q, Sum

DEFAULT_WELCOME_DAYS = 60


def welcome_days() -> int:
    """A new household counts as welcomed if a welcome visit took place within N days."""
    return getattr(settings, "REPORTS_WELCOME_DAYS", DEFAULT_WELCOME_DAYS)


def semester_bounds(year: int, semester: int) -> tuple[datetime.date, datetime.date]:
    if semester not in (1, 2):
        raise ValueError("semester must be 1 or 2")
    if semester == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def semester_of(day: datetime.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def previous_semester(day: datetime.date) -> tuple[int, int]:
    """The last semester that has ended on `day` (on 1 July: S1 of the same year)."""
    year, semester = semester_of(day)
    return (year, 1) if semester == 2 else (year - 1, 2)


@dataclass
class SemesterIndicators:
    year: int
    semester: int
    start: str
    end: str
    follow_ups: dict = field(default_factory=dict)
    follow_ups_by_domain: list = field(default_factory=list)
    moments_total: int = 0
    moments_by_kind: list = field(default_factory=list)
    welcome: dict = field(default_factory=dict)
    referrals: dict = field(default_factory=dict)
    collective: dict = field(default_factory=dict)
    relocations: dict = field(default_factory=dict)
    network: dict = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    # Blocks whose model is not installed (an app still being built): left out, said so.
    unavailable: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def compute(slsp_id: int, year: int, semester: int) -> dict:
    start, end = semester_bounds(year, semester)
    result = SemesterIndicators(year, semester, start.isoformat(), end.isoformat())
    _follow_ups(result, slsp_id, start, end)
    _moments(result, slsp_id, start, end)
    _welcome(result, slsp_id, start, end)
    _referrals(result, slsp_id, start, end)
    _collective(result, slsp_id, start, end)
    _network(result, slsp_id, start, end)
    _partners(result, slsp_id, end)
    return result.as_dict()


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _follow_ups(result, slsp_id, start, end):
    from apps.accompaniment.models import FollowUp, Outcome

    opened = Q(opened_on__gte=start, opened_on__lte=end)
    closed = Q(closed_on__gte=start, closed_on__lte=end)
    active_at_end = Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    during = Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    relocation = Q(domains__contains=["relogement"])
    totals = FollowUp.objects.filter(slsp_id=slsp_id).aggregate(
        opened=Count("pk", filter=opened),
        closed=Count("pk", filter=closed),
        active=Count("pk", filter=active_at_end),
        accompanied=Count("pk", filter=during & relocation),
        rehoused=Count("pk", filter=closed & Q(outcome=Outcome.REHOUSED)),
    )
    result.follow_ups = {k: totals[k] for k in ("opened", "closed", "active")}
    result.relocations = {k: totals[k] for k in ("accompanied", "rehoused")}
    # A follow-up has several domains: one row per (follow-up, domain), in one query.
    table = FollowUp._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT d,
                   count(*) FILTER (WHERE f.opened_on BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE f.closed_on BETWEEN %(start)s AND %(end)s),
                   count(*) FILTER (WHERE f.opened_on <= %(end)s
                                    AND (f.closed_on IS NULL OR f.closed_on > %(end)s))
            FROM {table} f CROSS JOIN LATERAL unnest(f.domains) AS d
            WHERE f.slsp_id = %(slsp)s
            GROUP BY d ORDER BY d
            """,  # noqa: S608 (table name from the model, values as parameters)
            {"start": start, "end": end, "slsp": slsp_id},
        )
        result.follow_ups_by_domain = [
            {"domain": d, "opened": o, "closed": c, "active": a}
            for d, o, c, a in cursor.fetchall()
            if o or c or a
        ]


def _moments(result, slsp_id, start, end):
    from apps.accompaniment.models import Moment

    rows = (
        Moment.objects.done()
        .filter(slsp_id=slsp_id, date__gte=start, date__lte=end)
        .values("kind")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by("-n", "kind")
    )
    result.moments_by_kind = [
        {"kind": r["kind"], "count": r["n"], "minutes": r["minutes"] or 0} for r in rows
    ]
    result.moments_total = sum(r["count"] for r in result.moments_by_kind)


def _welcome(result, slsp_id, start, end):
    from apps.accompaniment.models import Moment, MomentKind
    from apps.tenants.models import Tenancy

    days = welcome_days()
    welcomed = Moment.objects.done().filter(
        slsp_id=slsp_id,
        household=OuterRef("household"),
        kind=MomentKind.WELCOME,
        date__gte=OuterRef("start_date"),
        date__lte=ExpressionWrapper(
            OuterRef("start_date") + datetime.timedelta(days=days), output_field=DateField()
        ),
    )
    counts = Tenancy.objects.filter(
        slsp_id=slsp_id, start_date__gte=start, start_date__lte=end
    ).aggregate(
        new=Count("household", distinct=True),
        welcomed=Count("household", distinct=True, filter=Exists(welcomed)),
    )
    new, done = counts["new"], counts["welcomed"]
    result.welcome = {
        "days": days,
        "new_households": new,
        "welcomed": done,
        "coverage": round(100 * done / new, 1) if new else None,
    }


def _referrals(result, slsp_id, start, end):
    Referral = _model("referrals.Referral")
    if Referral is None:
        result.unavailable.append("referrals")
        result.referrals = {}
        return
    in_period = Referral.objects.filter(
        slsp_id=slsp_id, sent_at__date__gte=start, sent_at__date__lte=end
    )
    rows = (
        in_period.values("partner__type", "status", "outcome")
        .annotate(n=Count("pk"))
        .order_by("partner__type", "status", "outcome")
    )
    by_type: dict[str, dict] = {}
    by_status: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    for row in rows:
        line = by_type.setdefault(row["partner__type"], {"type": row["partner__type"], "total": 0})
        line[row["status"]] = line.get(row["status"], 0) + row["n"]
        line["total"] += row["n"]
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["outcome"]:
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["n"]
    table = Referral._meta.db_table
    with connection.cursor() as cursor:
        # Response time: from sending to the partner's answer, in days (median).
        cursor.execute(
            f"""
            SELECT count(*),
                   percentile_cont(0.5) WITHIN GROUP (
                       ORDER BY extract(epoch FROM (answered_at - sent_at)) / 86400.0)
            FROM {table}
            WHERE slsp_id = %s AND answered_at IS NOT NULL AND sent_at IS NOT NULL
              AND sent_at::date BETWEEN %s AND %s
            """,  # noqa: S608 (table name from the model, values as parameters)
            [slsp_id, start, end],
        )
        answered, median = cursor.fetchone()
    result.referrals = {
        "total": sum(by_status.values()),
        "by_type": sorted(by_type.values(), key=lambda r: (-r["total"], r["type"])),
        "by_status": by_status,
        "by_outcome": by_outcome,
        "answered": answered,
        "median_response_days": round(float(median), 1) if median is not None else None,
    }


def _collective(result, slsp_id, start, end):
    ActionSession = _model("collective.ActionSession")
    if ActionSession is None:
        result.unavailable.append("collective")
        result.collective = {}
        return
    totals = ActionSession.objects.filter(
        slsp_id=slsp_id, date__gte=start, date__lte=end
    ).aggregate(
        actions=Count("action", distinct=True),
        sessions=Count("pk"),
        participants=Sum("participants"),
        tenants=Sum("tenants"),
        volunteers=Sum("volunteers"),
    )
    result.collective = {k: v or 0 for k, v in totals.items()}


def _network(result, slsp_id, start, end):
    from apps.slsps.models import Attendance

    rows = (
        Attendance.objects.filter(slsp_id=slsp_id, event__date__gte=start, event__date__lte=end)
        .values("event__kind")
        .annotate(
            events=Count("event", distinct=True),
            attended=Count("event", distinct=True, filter=Q(present=True)),
            present=Count("pk", filter=Q(present=True)),
            invited=Count("pk"),
        )
        .order_by("event__kind")
    )
    result.network = {
        "by_kind": [
            {
                "kind": r["event__kind"],
                "events": r["events"],
                "attended": r["attended"],
                "present": r["present"],
                "invited": r["invited"],
            }
            for r in rows
        ]
    }


def _partners(result, slsp_id, end):
    from apps.partners.models import Agreement, SlspPartner

    rows = (
        SlspPartner.objects.filter(slsp_id=slsp_id, since__lte=end)
        .values("partner__type")
        .annotate(
            n=Count("pk"),
            agreements=Count(
                "partner__agreements",
                distinct=True,
                filter=Q(
                    partner__agreements__slsp_id=slsp_id,
                    partner__agreements__start_date__lte=end,
                    partner__agreements__end_date__gte=end,
                ),
            ),
        )
        .order_by("-n", "partner__type")
    )
    by_type = [
        {"type": r["partner__type"], "partners": r["n"], "agreements": r["agreements"]}
        for r in rows
    ]
    result.partners = {
        "linked": sum(r["partners"] for r in by_type),
        "agreements_active": Agreement.objects.filter(slsp_id=slsp_id).active_on(end).count(),
        "by_type": by_type,
    }
