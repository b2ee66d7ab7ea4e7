"""Reads of individual accompaniment (scoped: the request's SLSPs only)."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment.models import (
    Consent,
    FollowUp,
    Moment,
    MomentKind,
    MomentMonth,
    Objective,
    Outcome,
)
from apps.accounts.models import User
from apps.core.periods import Semester
from apps.partners.models import Partner
from apps.partners.queries import partners_for
from apps.tenants.models import Household, RenovationWorks, Tenancy


def consents_of(household: Household) -> QuerySet[Consent]:
    """The household's consents, each with `share_names` (the partners it shares with)."""
    return Consent.objects.filter(household=household).annotate(
        share_names=_partner_names(Consent.share_with.through, "consent_id")
    )


def follow_ups_of(household: Household) -> QuerySet[FollowUp]:
    """The household's follow-ups, each with `objective_list`: its objectives as
    {"uuid", "text", "status"} dicts in their order, read in the same query."""
    objectives = (
        Objective.objects.filter(follow_up=OuterRef("pk"))
        .order_by("pk")
        .values(json=JSONObject(uuid="uuid", text="text", status="status"))
    )
    # Through the related manager: each follow-up knows its household without a query
    # (its str(), in the moment form's select, names the household).
    return household.follow_ups.select_related("relocation_works").annotate(
        objective_list=ArraySubquery(objectives)
    )


def timeline_moments(household: Household) -> QuerySet[Moment, Mapping[str, Any]]:
    """The household's moments as plain rows (newest first), for the timeline.

    Values, not model instances: the household page shows up to 200 of them, and building
    a Moment, its author and its follow-up for each row cost more than the query itself.
    """
    return (
        # Appointments not yet done are in the household's agenda section, not its history.
        Moment.objects.done()
        .filter(household=household)
        .annotate(partner_names=_partner_names(Moment.partners.through, "moment_id"))
        .order_by("-date", "-pk")
        .values(
            "pk",
            "uuid",
            "date",
            "kind",
            "duration_minutes",
            "participants",
            "note",
            "sensitivity",
            "author_id",
            "author__first_name",
            "author__last_name",
            "follow_up__objective",
            "partner_names",
        )
    )


def _partner_names(through: type[Model], owner: str) -> ArraySubquery:
    """Names of the partners linked to the outer row, in the partners' order (by name):
    an array in the same query instead of a prefetch query."""
    return ArraySubquery(
        through._default_manager.filter(**{owner: OuterRef("pk")})
        .order_by("partner__name", "partner_id")
        .values("partner__name")
    )


def follow_ups_for(user: User) -> QuerySet[FollowUp]:
    if not user.is_authenticated:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(slsp_id__in=user.slsp_ids())


def moments_for(user: User) -> QuerySet[Moment]:
    """The user's moments, without the text of their sensitive notes: only
    apps.accompaniment.sensitive.reveal reads it (for a reader allowed, with a reason)."""
    if not user.is_authenticated:
        return Moment.objects.none()
    return Moment.objects.filter(slsp_id__in=user.slsp_ids()).defer("sensitive_note")


def objectives_for(user: User) -> QuerySet[Objective]:
    if not user.is_authenticated:
        return Objective.objects.none()
    return Objective.objects.filter(slsp_id__in=user.slsp_ids())


def consents_for(user: User) -> QuerySet[Consent]:
    if not user.is_authenticated:
        return Consent.objects.none()
    return Consent.objects.filter(slsp_id__in=user.slsp_ids())


def network_partners(user: User, household: Household) -> QuerySet[Partner]:
    """Partners the SLSP of this household works with (its network), for consent and moments."""
    return partners_for(user).filter(slsp_links__slsp_id=household.slsp_id).order_by("name")


def works_of(household: Household) -> QuerySet[RenovationWorks]:
    return RenovationWorks.objects.filter(slsp_id=household.slsp_id).order_by("-start_date")


def follow_up_rows(user: User, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    """The follow-up list: one query, with household, current unit and last moment.

    Last moment and moment count are correlated subqueries, not Max()/Count() over a join:
    with no GROUP BY, PostgreSQL evaluates them only for the page's rows after ORDER BY and
    LIMIT (by index on moment.follow_up_id), and the paginator's count() drops them. A join
    aggregated every moment of every follow-up of the SLSP before the page was cut.
    """
    today = today or timezone.localdate()
    last = Tenancy.objects.filter(household=OuterRef("household")).order_by("-start_date")
    moments = Moment.objects.done().filter(follow_up=OuterRef("pk")).order_by()
    return (
        follow_ups_for(user)
        # A follow-up's household is always of the same SLSP; saying so lets PostgreSQL
        # read the SLSP's households by index instead of hashing all 100,000 of the region.
        .filter(household__slsp_id__in=user.slsp_ids())
        .select_related("household")
        # The columns the list shows: a follow-up has eighteen, its household nine.
        .only(
            "uuid",
            "slsp_id",
            "objective",
            "domains",
            "opened_on",
            "closed_on",
            "household__uuid",
            "household__slsp_id",
            "household__reference",
            "household__display_name",
        )
        .annotate(
            last_moment=Subquery(moments.order_by("-date").values("date")[:1]),
            moment_count=Coalesce(
                Subquery(moments.values("follow_up").annotate(n=Count("*")).values("n")), 0
            ),
            address=Subquery(last.values("unit__address")[:1]),
            district=Subquery(last.values("unit__district")[:1]),
            category=Subquery(last.values("category")[:1]),
        )
    )


def ongoing_works(user: User, today: datetime.date | None = None) -> QuerySet[RenovationWorks]:
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return RenovationWorks.objects.none()
    return RenovationWorks.objects.filter(
        Q(slsp_id__in=user.slsp_ids()),
        Q(start_date__lte=today),
        Q(end_date__isnull=True) | Q(end_date__gte=today),
    )


def households_in_works(user: User, today: datetime.date | None = None) -> QuerySet[Household]:
    """Households whose current home is in ongoing works (by unit or by district)."""
    today = today or timezone.localdate()
    current = Tenancy.objects.filter(household=OuterRef("pk")).current(today)
    matching = ongoing_works(user, today).filter(
        Q(units=OuterRef("unit_now"))
        | (Q(district=OuterRef("district")) & ~Q(district="") & Q(slsp_id=OuterRef("slsp_id")))
    )
    relocated = FollowUp.objects.filter(
        household=OuterRef("pk"), closed_on__isnull=True, domains__contains=["relogement"]
    )
    return (
        Household.objects.filter(slsp_id__in=user.slsp_ids() if user.is_authenticated else [])
        .annotate(
            unit_now=Subquery(current.values("unit_id")[:1]),
            address=Subquery(current.values("unit__address")[:1]),
            district=Subquery(current.values("unit__district")[:1]),
        )
        .filter(Exists(matching))
        .annotate(
            works_name=Subquery(matching.order_by("start_date").values("name")[:1]),
            followed=Exists(relocated),
        )
        .order_by("district", "display_name")
    )


def sharing_allowed(
    household: Household, partner: Partner, on: datetime.date | None = None
) -> bool:
    """The household consents, today, to its data being shared with this partner."""
    on = on or timezone.localdate()
    return Consent.objects.filter(household=household, share_with=partner).active_on(on).exists()


def active_follow_ups_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Open follow-ups per SLSP: a count about households (suppressed below 5 regionally)."""
    with scopes_disabled():
        rows = (
            # Count("*"): an index-only scan of followup_slsp_closed (2 ms, not 7 ms).
            FollowUp.objects.filter(slsp_id__in=slsp_ids, closed_on__isnull=True)
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("*"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def moments_this_semester_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    # Semesters start on the first of a month: whole months of the summary kept by
    # triggers (MomentMonth) give the exact count of moments dated from the start.
    start = Semester.current().start
    rows = (
        MomentMonth.objects.filter(slsp_id__in=slsp_ids, month__gte=start)
        .order_by()
        .values("slsp_id")
        .annotate(n=Sum("count"))
        .values_list("slsp_id", "n")
    )
    return {slsp_id: n for slsp_id, n in rows if n}


def first_year_without_welcome(
    user: User, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Households in their first 12 months of tenancy with no welcome moment yet."""
    today = today or timezone.localdate()
    # A welcome visit only planned does not welcome anyone yet.
    welcomed = Moment.objects.done().filter(household=OuterRef("pk"), kind=MomentKind.WELCOME)
    entry = Tenancy.objects.filter(household=OuterRef("pk")).order_by("-start_date")
    # Start from the current tenancies begun in the last year (a few per cent of the
    # SLSP's households), not from every household; the welcome check then reads the
    # partial index moment_household_welcome. A tenancy belongs to its household's SLSP.
    recent = (
        Tenancy.objects.filter(
            slsp_id__in=user.slsp_ids(), start_date__gt=today - datetime.timedelta(days=365)
        )
        .current(today)
        .values("household_id")
    )
    return (
        Household.objects.filter(slsp_id__in=user.slsp_ids(), pk__in=recent)
        .filter(~Exists(welcomed))
        .annotate(entry=Subquery(entry.values("start_date")[:1]))
        .order_by("entry")
    )


def stale_days() -> int:
    return getattr(settings, "FOLLOWUP_STALE_DAYS", 60)


def stale_follow_ups(
    user: User, days: int | None = None, today: datetime.date | None = None
) -> QuerySet[FollowUp]:
    """Open follow-ups with no moment for `days` days (setting FOLLOWUP_STALE_DAYS)."""
    days = days or stale_days()
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=days)
    # The latest moment per open follow-up is one backward step in moment_followup_date
    # (a few hundred probes), not an aggregate over all their moments (~5,000 rows).
    latest = (
        Moment.objects.done().filter(follow_up=OuterRef("pk")).order_by("-date").values("date")[:1]
    )
    return (
        follow_ups_for(user)
        .filter(closed_on__isnull=True)
        .annotate(last_moment=Coalesce(Subquery(latest), "opened_on"))
        .filter(last_moment__lt=limit)
        .select_related("household")
        .order_by("last_moment")
    )


# --- Semester figures (published in apps.accompaniment.apps through the core registry) ---
# One definition per figure: the regional table, the drill-down, the semestrial and the
# regional reports and their exports all read these functions.


def _per_slsp(rows: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    return {slsp_id: n or 0 for slsp_id, n in rows}


def _follow_up_count(slsp_ids: Iterable[int], condition: Q) -> dict[int, int]:
    with scopes_disabled():
        return _per_slsp(
            FollowUp.objects.filter(condition, slsp_id__in=list(slsp_ids))
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("*"))
            .values_list("slsp_id", "n")
        )


def _opened(semester: Semester) -> Q:
    return Q(opened_on__gte=semester.start, opened_on__lte=semester.end)


def _closed(semester: Semester) -> Q:
    return Q(closed_on__gte=semester.start, closed_on__lte=semester.end)


def _active_at_end(semester: Semester) -> Q:
    return Q(opened_on__lte=semester.end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=semester.end)
    )


def opened_follow_ups_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Follow-ups opened during the semester (households)."""
    return _follow_up_count(slsp_ids, _opened(semester))


def closed_follow_ups_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Follow-ups closed during the semester (households)."""
    return _follow_up_count(slsp_ids, _closed(semester))


def active_follow_ups_at_end_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Follow-ups open on the semester's last day (for the current semester: open today)."""
    return _follow_up_count(slsp_ids, _active_at_end(semester))


def relocations_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Follow-ups with the 'relogement' domain open at some point of the semester."""
    during = Q(opened_on__lte=semester.end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=semester.start)
    )
    return _follow_up_count(slsp_ids, during & Q(domains__contains=["relogement"]))


def rehoused_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Follow-ups closed during the semester with the household rehoused."""
    return _follow_up_count(slsp_ids, _closed(semester) & Q(outcome=Outcome.REHOUSED))


def moments_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Moments dated in the semester: whole months of the summary the triggers keep."""
    with scopes_disabled():
        rows = (
            MomentMonth.objects.filter(
                slsp_id__in=list(slsp_ids), month__gte=semester.start, month__lte=semester.end
            )
            .order_by()
            .values("slsp_id")
            .annotate(n=Sum("count"))
            .values_list("slsp_id", "n")
        )
        return {slsp_id: n for slsp_id, n in rows if n}


def welcomed_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Households whose tenancy began in the semester and who had a welcome moment within
    `REPORTS_WELCOME_DAYS` days of its start."""
    days = welcome_days()
    welcomed = Moment.objects.done().filter(
        slsp_id=OuterRef("slsp_id"),
        household=OuterRef("household"),
        kind=MomentKind.WELCOME,
        date__gte=OuterRef("start_date"),
        date__lte=ExpressionWrapper(
            OuterRef("start_date") + datetime.timedelta(days=days), output_field=DateField()
        ),
    )
    with scopes_disabled():
        return _per_slsp(
            Tenancy.objects.filter(
                Exists(welcomed),
                slsp_id__in=list(slsp_ids),
                start_date__gte=semester.start,
                start_date__lte=semester.end,
            )
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("household", distinct=True))
            .values_list("slsp_id", "n")
        )


DEFAULT_WELCOME_DAYS = 60


def welcome_days() -> int:
    """A new household counts as welcomed if a welcome visit took place within N days."""
    return int(getattr(settings, "REPORTS_WELCOME_DAYS", DEFAULT_WELCOME_DAYS))


def follow_ups_by_domain(slsp_id: int, semester: Semester) -> list[dict[str, Any]]:
    """Opened, closed and active follow-ups per domain (a follow-up has several domains:
    one row per (follow-up, domain), in one query)."""
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
            {"start": semester.start, "end": semester.end, "slsp": slsp_id},
        )
        return [
            {"domain": d, "opened": o, "closed": c, "active": a}
            for d, o, c, a in cursor.fetchall()
            if o or c or a
        ]


def moments_by_kind(slsp_id: int, semester: Semester) -> list[dict[str, Any]]:
    """Moments of the semester per kind, with their minutes."""
    with scopes_disabled():
        rows = (
            Moment.objects.done()
            .filter(slsp_id=slsp_id, date__gte=semester.start, date__lte=semester.end)
            .values("kind")
            .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
            .order_by("-n", "kind")
        )
        return [{"kind": r["kind"], "count": r["n"], "minutes": r["minutes"] or 0} for r in rows]
