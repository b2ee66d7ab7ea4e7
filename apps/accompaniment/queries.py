"""Reads of individual accompaniment (scoped: the request's SLSPs only)."""

import datetime

from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.accompaniment.models import Consent, FollowUp, Moment


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
