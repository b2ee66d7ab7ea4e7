"""Reads of individual accompaniment (scoped: the request's SLSPs only)."""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, FollowUp, Moment, MomentKind
from apps.tenants.models import Household, Tenancy


def consents_of(household):
    return Consent.objects.filter(household=household).prefetch_related("share_with")


def follow_ups_of(household):
    return FollowUp.objects.filter(household=household)


def moments_of(household):
    return (
        Moment.objects.filter(household=household)
        .select_related("author", "follow_up")
        .prefetch_related("partners")
    )


def follow_ups_for(user):
    return FollowUp.objects.filter(slsp_id__in=user.slsp_ids())


def sharing_allowed(household, partner, on=None) -> bool:
    """The household consents, today, to its data being shared with this partner."""
    on = on or timezone.localdate()
    return Consent.objects.filter(household=household, share_with=partner).active_on(on).exists()


def semester_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def active_follow_ups_by_slsp(slsp_ids) -> dict[int, int]:
    """Open follow-ups per SLSP: a count about households (suppressed below 5 regionally)."""
    with scopes_disabled():
        rows = (
            FollowUp.objects.filter(slsp_id__in=slsp_ids, closed_on__isnull=True)
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def moments_this_semester_by_slsp(slsp_ids) -> dict[int, int]:
    start = semester_start(timezone.localdate())
    with scopes_disabled():
        rows = (
            Moment.objects.filter(slsp_id__in=slsp_ids, date__gte=start)
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .values_list("slsp_id", "n")
        )
        return dict(rows)


def first_year_without_welcome(user, today=None):
    """Households in their first 12 months of tenancy with no welcome moment yet."""
    today = today or timezone.localdate()
    recent = Tenancy.objects.filter(
        household=OuterRef("pk"), start_date__gt=today - datetime.timedelta(days=365)
    ).current(today)
    welcomed = Moment.objects.filter(household=OuterRef("pk"), kind=MomentKind.WELCOME)
    entry = Tenancy.objects.filter(household=OuterRef("pk")).order_by("-start_date")
    return (
        Household.objects.filter(slsp_id__in=user.slsp_ids())
        .filter(Exists(recent), ~Exists(welcomed))
        .annotate(entry=Subquery(entry.values("start_date")[:1]))
        .order_by("entry")
    )


def stale_follow_ups(user, days=None, today=None):
    """Open follow-ups with no moment for `days` days (setting FOLLOWUP_STALE_DAYS)."""
    days = days or getattr(settings, "FOLLOWUP_STALE_DAYS", 60)
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=days)
    return (
        follow_ups_for(user)
        .filter(closed_on__isnull=True)
        .annotate(last_moment=Coalesce(Max("moments__date"), "opened_on"))
        .filter(Q(last_moment__lt=limit))
        .select_related("household")
        .order_by("last_moment")
    )
