"""Reads of the privacy app: the access log of the direction's SLSPs, and everything held
about one household (for the export)."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accompaniment.models import (
    Consent,
    FollowUp,
    Moment,
    Objective,
)
from apps.accounts.models import AccessLog, Role, User
from apps.referrals.models import Referral, ReferralEvent
from apps.tenants.models import Household, Member, Tenancy

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class LastEnd(TypedDict):
    # Never null: only households with tenancies are due.
    last_end: datetime.date


def audited_slsp_ids(user: User) -> tuple[int, ...]:
    """SLSPs whose access log the user may read: those where they are the direction."""
    if not user.is_authenticated:
        return ()
    return user.slsp_ids(roles={Role.DIRECTION})


def access_log_for(user: User) -> QuerySet[AccessLog]:
    """Access log rows of the direction's SLSPs, with the household's label in the same query."""
    slsp_ids = audited_slsp_ids(user)
    if not slsp_ids:
        return AccessLog.objects.none()
    household = Household.objects.filter(pk=OuterRef("subject_household"))
    return (
        AccessLog.objects.filter(slsp_id__in=slsp_ids)
        .select_related("user")
        .annotate(
            household_uuid=Subquery(household.values("uuid")[:1]),
            household_reference=Subquery(household.values("reference")[:1]),
            household_name=Subquery(household.values("display_name")[:1]),
        )
    )


def log_users_for(user: User) -> QuerySet[User]:
    """People who may appear in the direction's access log: staff of its SLSPs."""
    slsp_ids = audited_slsp_ids(user)
    return (
        User.objects.filter(memberships__slsp_id__in=slsp_ids)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def households_matching(user: User, text: str) -> QuerySet[Household]:
    """Households of the audited SLSPs by UUID, reference or name (the filter's input)."""
    households = Household.objects.filter(slsp_id__in=audited_slsp_ids(user))
    text = text.strip()
    try:
        return households.filter(uuid=uuid.UUID(text))
    except ValueError:
        pass
    members = Member.objects.filter(household=OuterRef("pk")).filter(
        Q(last_name__icontains=text) | Q(first_name__icontains=text)
    )
    return households.filter(
        Q(reference__icontains=text) | Q(display_name__icontains=text) | Exists(members)
    )


# --- What is held about one household -------------------------------------


def referrals_of(household: Household) -> list[Referral]:
    return list(
        Referral.objects.filter(household=household)
        .select_related("partner", "agreement", "created_by", "follow_up")
        .prefetch_related(Prefetch("events", queryset=ReferralEvent.objects.order_by("at", "pk")))
        .order_by("proposed_at", "pk")
    )


def household_dossier(household: Household) -> dict[str, Any]:
    """Every row about the household, in a fixed number of queries whatever their count."""
    objectives = Objective.objects.order_by("pk")
    return {
        "household": household,
        "tenancies": list(
            Tenancy.objects.filter(household=household)
            .select_related("unit")
            .order_by("start_date")
        ),
        "members": list(Member.objects.filter(household=household).order_by("pk")),
        "consents": list(
            Consent.objects.filter(household=household)
            .select_related("recorded_by")
            .prefetch_related("share_with")
            .order_by("given_on", "pk")
        ),
        "follow_ups": list(
            FollowUp.objects.filter(household=household)
            .select_related("opened_by", "relocation_works")
            .prefetch_related(Prefetch("objectives", queryset=objectives))
            .order_by("opened_on", "pk")
        ),
        "moments": list(
            # The text of sensitive notes is read only by apps.accompaniment.sensitive.
            Moment.objects.filter(household=household)
            .defer("sensitive_note")
            .select_related("author", "follow_up")
            .prefetch_related("partners")
            .order_by("date", "pk")
        ),
        "referrals": referrals_of(household),
        "access_log": list(
            AccessLog.objects.filter(subject_household=household.pk)
            .select_related("user")
            .order_by("at", "pk")
        ),
    }


# --- Retention ----------------------------------------------------------------


def retention_horizon(today: datetime.date | None = None) -> datetime.date:
    """Tenancies that ended on or before this day are past the retention period."""
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def households_to_erase(
    today: datetime.date | None = None,
) -> QuerySet[WithAnnotations[Household, LastEnd]]:
    """Households (every SLSP: call with scopes disabled) whose every tenancy ended before the
    horizon and that are not yet erased. Households with no tenancy at all are left alone:
    nothing tells when their retention period started."""
    horizon = retention_horizon(today)
    running = Tenancy.objects.filter(household=OuterRef("pk")).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=horizon)
    )
    return (
        Household.objects.filter(erasure__isnull=True, tenancies__isnull=False)
        .annotate(last_end=Max("tenancies__end_date"))
        .filter(~Exists(running))
        .order_by("pk")
    )
