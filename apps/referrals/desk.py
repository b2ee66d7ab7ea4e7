"""Referrals answered (or still unanswered) later than their agreement's agreed answer time,
as one query over every SLSP: the same rule as `Referral.is_late`, written for the database.

`Referral.is_late`: the whole days between sending and answering (or now, while the
partner has not answered) exceed the agreed days. Whole days `floor(Δ) > agreed` is
`Δ >= agreed + 1 day`, which is what is compared here.
"""

from __future__ import annotations

import datetime

from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, QuerySet, Value

from apps.referrals.models import Referral, ReferralStatus

ONE_DAY = Value(datetime.timedelta(days=1), output_field=DurationField())


def late_answers(since: datetime.datetime, now: datetime.datetime) -> QuerySet[Referral]:
    """Referrals sent since `since`, under an agreement with an agreed answer time, whose
    answer came late or is overdue now. Call inside the caller's scope (or scopes_disabled
    for the regional desk, which only counts SLSPs)."""
    due = ExpressionWrapper(
        F("sent_at") + (F("agreement__response_days") + 1) * ONE_DAY,
        output_field=DateTimeField(),
    )
    return (
        Referral.objects.filter(sent_at__gte=since, agreement__response_days__isnull=False)
        .annotate(due=due)
        .filter(
            Q(answered_at__gte=F("due"))
            | Q(answered_at__isnull=True, status=ReferralStatus.SENT, due__lte=now)
        )
    )
