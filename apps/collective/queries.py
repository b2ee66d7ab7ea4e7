"""Reads of collective actions (scoped: the request's SLSPs only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django_scopes import scopes_disabled

from apps.accounts.models import User
from apps.collective.models import ActionSession, CollectiveAction
from apps.core.periods import Semester
from apps.core.permissions import allowed
from apps.partners.models import Partner
from apps.partners.queries import partners_for


def collective_actions_for(user: User) -> QuerySet[CollectiveAction]:
    """The visibility function of collective actions: those of the user's own SLSPs."""
    if not user.is_authenticated or not allowed(user, "collective.view_collective_actions"):
        return CollectiveAction.objects.none()
    return CollectiveAction.objects.filter(slsp_id__in=user.slsp_ids())


def action_sessions_for(user: User) -> QuerySet[ActionSession]:
    if not user.is_authenticated or not allowed(user, "collective.view_collective_actions"):
        return ActionSession.objects.none()
    return ActionSession.objects.filter(slsp_id__in=user.slsp_ids())


def _totals() -> dict[str, Any]:
    zero = Value(0)
    return {
        "session_count": Count("sessions"),
        "participants_total": Coalesce(Sum("sessions__participants"), zero),
        "tenants_total": Coalesce(Sum("sessions__tenants"), zero),
        "volunteers_total": Coalesce(Sum("sessions__volunteers"), zero),
        "last_session": Max("sessions__date"),
    }


def collective_action_rows(user: User) -> QuerySet[CollectiveAction]:
    """The list: one query, each action with its session count and attendance totals."""
    return collective_actions_for(user).select_related("slsp").annotate(**_totals())


def collective_action_detail(user: User) -> QuerySet[CollectiveAction]:
    """One action with its totals (for the detail page); partners prefetched."""
    return (
        collective_actions_for(user)
        .select_related("slsp", "created_by")
        .prefetch_related("partners")
        .annotate(**_totals())
    )


def sessions_of(action: CollectiveAction) -> QuerySet[ActionSession]:
    return ActionSession.objects.filter(action=action).order_by("-date", "-pk")


def acting_slsp_ids(user: User) -> list[int]:
    """SLSPs where the user runs collective actions (référent or accompagnateur)."""
    from apps.accounts.models import Role

    if not user.is_authenticated:
        return []
    return list(user.slsp_ids(roles={Role.REFERENT, Role.ACCOMPAGNATEUR}))


def network_partners_of(user: User, slsp_ids: Iterable[int]) -> QuerySet[Partner]:
    """Partners of the given SLSPs' networks: the only ones an action may involve."""
    return (
        partners_for(user)
        .filter(slsp_links__slsp_id__in=list(slsp_ids))
        .distinct()
        .order_by("name")
    )


def action_partner_choices(
    user: User, action: CollectiveAction, current_ids: Iterable[int] = ()
) -> QuerySet[Partner]:
    """Partner choices when editing: the SLSP's network, plus partners already on the
    action (a partner unlinked since stays listed rather than silently dropped)."""
    return (
        partners_for(user)
        .filter(Q(slsp_links__slsp_id=action.slsp_id) | Q(pk__in=list(current_ids)))
        .distinct()
        .order_by("name")
    )


def collective_districts(user: User) -> list[str]:
    """District choices of the filter: the user's housing districts and those of actions."""
    from apps.tenants.queries import districts_for

    used = (
        collective_actions_for(user)
        .exclude(district="")
        .order_by()
        .values_list("district", flat=True)
        .distinct()
    )
    return sorted(set(districts_for(user)) | set(used))


def collective_actions_by_slsp(slsp_ids: Iterable[int]) -> dict[int, int]:
    """Collective actions per SLSP (regional table): counts of actions, not of people."""
    with scopes_disabled():
        rows = (
            CollectiveAction.objects.filter(slsp_id__in=slsp_ids)
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


# --- Semester figures (published in apps.collective.apps through the core registry) ---


def _session_sums(slsp_ids: Iterable[int], semester: Semester, field: str) -> dict[int, int]:
    with scopes_disabled():
        rows = (
            ActionSession.objects.filter(
                slsp_id__in=list(slsp_ids), date__gte=semester.start, date__lte=semester.end
            )
            .order_by()
            .values("slsp_id")
            .annotate(n=Sum(field) if field != "pk" else Count("pk"))
            .values_list("slsp_id", "n")
        )
        return {slsp_id: n or 0 for slsp_id, n in rows}


def sessions_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Sessions of collective actions held during the semester (not people)."""
    return _session_sums(slsp_ids, semester, "pk")


def participants_by_slsp(slsp_ids: Iterable[int], semester: Semester) -> dict[int, int]:
    """Participants summed over the semester's sessions (people)."""
    return _session_sums(slsp_ids, semester, "participants")


def collective_totals(slsp_id: int, semester: Semester) -> dict[str, int]:
    """One SLSP's collective work of the semester: actions, sessions and attendance."""
    with scopes_disabled():
        totals = ActionSession.objects.filter(
            slsp_id=slsp_id, date__gte=semester.start, date__lte=semester.end
        ).aggregate(
            actions=Count("action", distinct=True),
            sessions=Count("pk"),
            participants=Sum("participants"),
            tenants=Sum("tenants"),
            volunteers=Sum("volunteers"),
        )
    return {k: v or 0 for k, v in totals.items()}
