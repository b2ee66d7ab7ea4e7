"""Reads of the SLSP register: the one visibility function per model lives here."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accounts.models import Membership, Role, User
from apps.accounts.rules import is_admin, is_coordinator
from apps.core.periods import Semester
from apps.slsps.models import (
    ActionStrategy,
    Attendance,
    GoodPracticeSheet,
    NetworkEvent,
    NetworkEventKind,
    ReferentPost,
    Slsp,
    StrategyItem,
)


def slsps_for(user: User) -> QuerySet[Slsp]:
    """SLSPs the user may open: their own, or every one for coordinators and admins."""
    if not user.is_authenticated:
        return Slsp.objects.none()
    if is_coordinator(user) or is_admin(user):
        return Slsp.objects.all()
    return Slsp.objects.filter(pk__in=user.slsp_ids())


def referent_posts_for(user: User, slsp: Slsp) -> QuerySet[ReferentPost]:
    """Posts of one SLSP the user may open (staff of that SLSP, coordinators, admins).

    Posts are register data, not tenant data: coordinators read them unscoped.
    """
    if not user.has_perm("slsps.view_slsp", slsp):
        return ReferentPost.objects.none()
    with scopes_disabled():
        return (
            ReferentPost.objects.filter(slsp=slsp)
            .select_related("person")
            .order_by("-end_date", "start_date")
        )


def register_rows(user: User) -> QuerySet[Slsp]:
    """The register for coordinators: one line per SLSP with counts only."""
    today = timezone.localdate()
    with scopes_disabled():
        filled = (
            ReferentPost.objects.active_on(today)
            .filter(slsp=OuterRef("pk"), person__isnull=False)
            .order_by()
            .values("slsp")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return slsps_for(user).annotate(
            posts_filled=Coalesce(Subquery(filled), Value(0)),
        )


def register_summary(user: User) -> dict[str, int]:
    with scopes_disabled():
        return slsps_for(user).aggregate(
            total=Count("pk"),
            real=Count("pk", filter=Q(is_demo=False)),
            demo=Count("pk", filter=Q(is_demo=True)),
        )


def filled_posts_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Referent posts filled today, per SLSP (regional table)."""
    today = timezone.localdate()
    with scopes_disabled():
        rows = (
            ReferentPost.objects.active_on(today)
            .filter(slsp_id__in=slsp_ids, person__isnull=False)
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


# --- Yearly action strategy ---


def strategies_for(user: User) -> QuerySet[ActionStrategy]:
    """Strategies of the SLSPs where the user works (référent, accompagnateur, direction).

    Coordinators get none here: they read titles only, through `strategy_titles`.
    """
    if not user.is_authenticated or not user.slsp_ids():
        return ActionStrategy.objects.none()
    return ActionStrategy.objects.filter(slsp_id__in=user.slsp_ids()).select_related("slsp")


def strategy_titles(slsp: Slsp, years: Iterable[int]) -> list[dict[str, Any]]:
    """Objectives and priority axes of one SLSP for the given years, titles only.

    For the coordinator's drill-down: no description (free text may name people).
    One query, whatever the number of items.
    """
    with scopes_disabled():
        rows = (
            StrategyItem.objects.filter(slsp=slsp, strategy__year__in=years)
            .order_by("-strategy__year", "kind", "order", "pk")
            .values_list("strategy__year", "kind", "title")
        )
        by_year: dict[int, dict] = {}
        for year, kind, title in rows:
            entry = by_year.setdefault(year, {"year": year, "objectives": [], "axes": []})
            entry["objectives" if kind == "objectif" else "axes"].append(title)
        return [by_year[y] for y in sorted(by_year, reverse=True)]


# --- Référents' network ---


def network_events_for(user: User) -> QuerySet[NetworkEvent]:
    """Events of the SWL network: every référent and coordinator reads the calendar."""
    if not user.is_authenticated or not (user.has_role(Role.REFERENT) or is_coordinator(user)):
        return NetworkEvent.objects.none()
    return NetworkEvent.objects.all()


def calendar_for(user: User) -> QuerySet[NetworkEvent]:
    """The calendar with, per event, how many people were recorded and present (one
    query with the page, whatever the number of attendances)."""
    return network_events_for(user).annotate(
        n_recorded=Count("attendances"),
        n_present=Count("attendances", filter=Q(attendances__present=True)),
    )


def attendances_for(user: User) -> QuerySet[Attendance]:
    """Coordinators read every attendance; a référent only their own."""
    if not user.is_authenticated:
        return Attendance.objects.none()
    if is_coordinator(user):
        return Attendance.objects.all()
    if user.has_role(Role.REFERENT):
        return Attendance.objects.filter(person=user)
    return Attendance.objects.none()


def my_attendance_this_year(user: User) -> dict[str, int]:
    """The signed-in référent's own record this calendar year (one query)."""
    return (
        attendances_for(user)
        .filter(person=user, **_this_year())
        .aggregate(recorded=Count("pk"), present=Count("pk", filter=Q(present=True)))
    )


def _this_year() -> dict[str, int]:
    return {"event__date__year": timezone.localdate().year}


def good_practices_for(user: User) -> QuerySet[GoodPracticeSheet]:
    """Published sheets for référents and coordinators, plus the drafts of the
    référent's own SLSPs (a draft is not yet shared with the network)."""
    if not user.is_authenticated:
        return GoodPracticeSheet.objects.none()
    referent_ids = user.slsp_ids(roles={Role.REFERENT})
    if referent_ids:
        visible = Q(published=True) | Q(slsp_id__in=referent_ids)
    elif is_coordinator(user):
        visible = Q(published=True)
    else:
        return GoodPracticeSheet.objects.none()
    return GoodPracticeSheet.objects.filter(visible).select_related("slsp", "created_by")


def referent_memberships() -> QuerySet[Membership]:
    """People holding a référent role, with their SLSP: whose attendance is recorded."""
    return (
        Membership.objects.filter(role=Role.REFERENT, slsp__isnull=False, user__is_active=True)
        .select_related("user", "slsp")
        .order_by("slsp__official_name", "user__last_name", "user__first_name", "pk")
    )


def _current_year_events() -> Q:
    year = timezone.localdate().year
    return Q(event__date__year=year)


def training_attendance_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Presences at network trainings, intervisions and exchange days this calendar
    year, per SLSP (regional table): one aggregate query."""
    rows = (
        Attendance.objects.filter(_current_year_events(), slsp_id__in=slsp_ids, present=True)
        .values("slsp_id")
        .annotate(n=Count("pk"))
        .values_list("slsp_id", "n")
    )
    return dict(rows)


def attendance_summary(slsp: Slsp) -> list[dict[str, Any]]:
    """Per kind of event: presences and absences of the SLSP's people, this year and
    last year. Counts only (drill-down)."""
    year = timezone.localdate().year
    rows = (
        Attendance.objects.filter(slsp=slsp, event__date__year__gte=year - 1)
        .values("event__kind", "event__date__year")
        .annotate(
            n_present=Count("pk", filter=Q(present=True)),
            n_absent=Count("pk", filter=Q(present=False)),
        )
    )
    found = {(r["event__kind"], r["event__date__year"]): r for r in rows}
    summary: list[dict[str, Any]] = []
    for kind, label in NetworkEventKind.choices:
        for y in (year, year - 1):
            row: Mapping[str, Any] = found.get((kind, y), {})
            summary.append(
                {
                    "kind": label,
                    "year": y,
                    "present": row.get("n_present", 0),
                    "absent": row.get("n_absent", 0),
                }
            )
    return summary


# --- Semester figures (published in apps.slsps.apps through the core registry) ---


def network_presences_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Presences of the SLSP's people at network activities held during the semester."""
    with scopes_disabled():
        rows = (
            Attendance.objects.filter(
                slsp_id__in=list(slsp_ids),
                present=True,
                event__date__gte=semester.start,
                event__date__lte=semester.end,
            )
            .order_by()
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def network_by_kind(slsp_id: int, semester: Semester) -> list[dict[str, Any]]:
    """One SLSP's participation in the network per kind of activity during the semester."""
    with scopes_disabled():
        rows = (
            Attendance.objects.filter(
                slsp_id=slsp_id, event__date__gte=semester.start, event__date__lte=semester.end
            )
            .values("event__kind")
            .annotate(
                events=Count("event", distinct=True),
                attended=Count("event", distinct=True, filter=Q(present=True)),
                present=Count("pk", filter=Q(present=True)),
                invited=Count("pk"),
            )
            .order_by("event__kind")
        )
        return [
            {
                "kind": r["event__kind"],
                "events": r["events"],
                "attended": r["attended"],
                "present": r["present"],
                "invited": r["invited"],
            }
            for r in rows
        ]
