"""The coordinator's desk: what needs attention across the SLSPs, on the home page.

Each signal is one condition on an SLSP, written once (`_conditions`) and used twice: to
count (one aggregate query for all signals, whatever the number of SLSPs) and to filter
the regional table the signal links to (`?attention=<key>`), so the count and the list
behind its link always agree.

Disclosure: every count here is a number of SLSPs or of agreements between an SLSP and
a partner organisation, never of households or persons, so small counts (1 to 4) are
shown as they are; apps/core/disclosure.py applies to counts about people only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.accompaniment.models import Moment
from apps.core import formats
from apps.core.periods import Semester
from apps.partners.models import Agreement
from apps.referrals.desk import late_answers
from apps.reports.models import ReportStatus, SemesterReport
from apps.slsps.models import ReferentPost, Slsp

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

INACTIVE = "inactivite"
REPORT_LATE = "rapport"
VACANT = "poste"
AGREEMENTS = "conventions"
LATE_ANSWERS = "reponses"

CHOICES = (
    (INACTIVE, _("Aucun moment ce semestre")),
    (REPORT_LATE, _("Rapport non validé après l'échéance")),
    (VACANT, _("Poste de référent vacant")),
    (AGREEMENTS, _("Convention expirant bientôt")),
    (LATE_ANSWERS, _("Réponses des partenaires hors délai")),
)


@dataclass(frozen=True)
class Period:
    today: datetime.date
    now: datetime.datetime
    semester: tuple[int, int]
    semester_start: datetime.date
    due: tuple[int, int]
    due_date: datetime.date
    expiry_days: int


def period(today: datetime.date | None = None) -> Period:
    """This semester, and the last semester whose report's deadline has passed."""
    today = today or timezone.localdate()
    semester = Semester.of(today)
    due = semester.previous()
    deadline = datetime.timedelta(days=settings.REPORTS_VALIDATION_DEADLINE_DAYS)
    if due.end + deadline >= today:
        # Not due yet: the semester before it is the last one whose deadline has passed.
        due = due.previous()
    return Period(
        today=today,
        now=timezone.now(),
        semester=(semester.year, semester.half),
        semester_start=semester.start,
        due=(due.year, due.half),
        due_date=due.end + deadline,
        expiry_days=settings.DESK_AGREEMENT_EXPIRY_DAYS,
    )


def _conditions(p: Period) -> dict[str, Q]:
    """One condition on Slsp per signal (subqueries correlated on the SLSP's pk)."""
    slsp = OuterRef("pk")
    moments = Moment.objects.done().filter(
        slsp_id=slsp, date__gte=p.semester_start, date__lte=p.today
    )
    validated = SemesterReport.objects.filter(
        slsp_id=slsp, year=p.due[0], semester=p.due[1], status=ReportStatus.VALIDATED
    )
    holders = ReferentPost.objects.active_on(p.today).filter(slsp_id=slsp, person__isnull=False)
    expiring = Agreement.objects.expiring_within(p.expiry_days, p.today).filter(slsp_id=slsp)
    since = datetime.datetime.combine(
        p.semester_start, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    late = late_answers(since, p.now).filter(slsp_id=slsp)
    return {
        INACTIVE: ~Q(Exists(moments)),
        REPORT_LATE: ~Q(Exists(validated)),
        VACANT: ~Q(Exists(holders)),
        AGREEMENTS: Q(Exists(expiring)),
        LATE_ANSWERS: Q(Exists(late)),
    }


def filter_slsps(queryset: QuerySet[Slsp], key: str) -> QuerySet[Slsp]:
    """The SLSPs of `queryset` a signal lists (the regional table's `attention` filter)."""
    with scopes_disabled():  # counts SLSPs; no row of another model is returned
        conditions = _conditions(period())
        return queryset.filter(conditions[key]) if key in conditions else queryset


@dataclass(frozen=True)
class Signal:
    key: str
    label: StrOrPromise
    count: int
    detail: str
    url: str


def signals(today: datetime.date | None = None) -> list[Signal]:
    """Every signal with its count: two queries, whatever the number of SLSPs."""
    p = period(today)
    with scopes_disabled():  # aggregates over every SLSP for a coordinator
        conditions = _conditions(p)
        counts: dict[str, Any] = Slsp.objects.aggregate(
            **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
        )
        agreements = Agreement.objects.expiring_within(p.expiry_days, p.today).count()
    base = reverse("reports:region")
    labels = dict(CHOICES)
    details = {
        INACTIVE: _("Aucun moment d'accompagnement encodé depuis le %(start)s.")
        % {"start": formats.day(p.semester_start)},
        REPORT_LATE: _("Rapport S%(s)s %(y)s non validé ; échéance : %(date)s.")
        % {"s": p.due[1], "y": p.due[0], "date": formats.day(p.due_date)},
        VACANT: _("Aucun titulaire à ce jour sur un poste de référent."),
        AGREEMENTS: _("%(n)s convention(s) se terminent dans les %(days)s jours.")
        % {"n": formats.number(agreements), "days": p.expiry_days},
        LATE_ANSWERS: _(
            "Au moins une orientation de ce semestre a reçu sa réponse après le délai convenu "
            "dans la convention, ou l'attend encore."
        ),
    }
    return [
        Signal(
            key=key,
            label=labels[key],
            count=counts[key],
            detail=str(details[key]),
            url=f"{base}?{urlencode({'attention': key})}",
        )
        for key in conditions
    ]


def panel(request: HttpRequest) -> dict[str, Any] | None:
    """Home panel of coordinators (and administrators): the desk."""
    if not request.user.has_perm("reports.view_region"):
        return None
    return {"signals": signals()}
