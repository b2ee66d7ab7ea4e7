"""The agenda: appointments (planned moments), the next step of a follow-up and the
personal calendar feed. Reads and writes of this one domain, kept apart from the
moment log itself (services.py, queries.py) which they only extend.

Writes follow the rules of services.py (atomic, validated before anything is written);
reads go through the visibility functions of queries.py.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accompaniment.models import CalendarFeed, FollowUp, Moment
from apps.accompaniment.queries import follow_ups_for, moments_for
from apps.accounts.models import Role, User
from apps.core.validators import DateMeaning, DateRule
from apps.tenants.models import Household

# How far ahead an appointment may be planned: beyond that it is a typing mistake.
# The project-wide bound for anything planned (apps.core.validators).
PLANNED_DATE = DateRule(DateMeaning.PLANNED)


# --- Appointments ---


@transaction.atomic
def plan_appointment(
    household: Household,
    user: User,
    *,
    kind: str,
    date: datetime.date,
    time: datetime.time | None = None,
    duration_minutes: int = 30,
    follow_up: FollowUp | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> Moment:
    """A moment planned for later: it counts in no figure until it is marked done."""
    today = today or timezone.localdate()
    if date < today:
        raise ValidationError(
            _("Un rendez-vous se planifie aujourd'hui ou plus tard : notez un moment passé.")
        )
    PLANNED_DATE(date)
    if follow_up is not None and follow_up.household_id != household.pk:
        raise ValidationError(_("Ce suivi concerne un autre ménage."))
    if follow_up is not None and not follow_up.is_open:
        raise ValidationError(_("Ce suivi est clôturé."))
    return Moment.objects.create(
        slsp_id=household.slsp_id,
        household=household,
        follow_up=follow_up,
        kind=kind,
        date=date,
        time=time,
        duration_minutes=duration_minutes,
        author=user,
        note=note.strip(),
        planned=True,
    )


@transaction.atomic
def mark_done(moment: Moment, *, today: datetime.date | None = None) -> Moment:
    """The appointment took place: from now on it is a logged moment like any other.
    Done ahead of its planned day (met earlier), it is dated today: never in the future."""
    today = today or timezone.localdate()
    moment = Moment.objects.select_for_update().get(pk=moment.pk)
    if not moment.planned:
        raise ValidationError(_("Ce moment est déjà noté comme fait."))
    moment.planned = False
    moment.date = min(moment.date, today)
    moment.save(update_fields=["planned", "date"])
    return moment


@transaction.atomic
def cancel_appointment(moment: Moment) -> None:
    """An appointment that will not take place: it is removed (it never counted in any
    figure; the change history keeps the deleted row)."""
    moment = Moment.objects.select_for_update().get(pk=moment.pk)
    if not moment.planned:
        raise ValidationError(
            _("Ce moment a eu lieu : il se corrige dans la chronologie, il ne s'annule pas.")
        )
    moment.delete()


def appointments_for(user: User) -> QuerySet[Moment]:
    """Appointments the user sees in the agenda: a référent or a direction those of their
    SLSPs, an accompagnateur only their own."""
    moments = moments_for(user).filter(planned=True)
    if not user.is_authenticated:
        return moments
    if not (user.has_role(Role.REFERENT) or user.has_role(Role.DIRECTION)):
        moments = moments.filter(author=user)
    return moments


def may_act(user: User) -> bool:
    """Whether the user plans and logs appointments at all (not the direction, which
    reads): to show or hide the quick actions; each action checks its object."""
    return user.is_authenticated and (
        user.has_role(Role.REFERENT) or user.has_role(Role.ACCOMPAGNATEUR)
    )


def own_appointments(user: User) -> QuerySet[Moment]:
    """The person's own appointments (their calendar feed, their reminders)."""
    return moments_for(user).filter(planned=True).filter(author=user)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Day:
    date: datetime.date
    appointments: list[Moment] = field(default_factory=list)


def week(user: User, monday: datetime.date) -> list[Day]:
    """Monday to Sunday, each day with its appointments (time order), in one query."""
    days = [Day(monday + datetime.timedelta(days=i)) for i in range(7)]
    rows = (
        appointments_for(user)
        .filter(date__gte=monday, date__lte=days[-1].date)
        .select_related("household", "author")
        .only(
            "uuid",
            "date",
            "time",
            "kind",
            "duration_minutes",
            "note",
            "slsp_id",
            "household__uuid",
            "household__reference",
            "household__slsp_id",
            "author__first_name",
            "author__last_name",
        )
        .order_by("date", "time", "pk")
    )
    for moment in rows:
        days[(moment.date - monday).days].appointments.append(moment)
    return days


def appointments_today(user: User, today: datetime.date | None = None) -> QuerySet[Moment]:
    today = today or timezone.localdate()
    return appointments_for(user).filter(date=today)


def overdue_appointments(user: User, today: datetime.date | None = None) -> QuerySet[Moment]:
    """Planned, not marked done, and their day has passed."""
    today = today or timezone.localdate()
    return appointments_for(user).filter(date__lt=today)


def due_appointments(day: datetime.date) -> QuerySet[Moment]:
    """Every appointment of `day`, for the morning reminder (the task opens no scope:
    callers run it under scopes_disabled and notify each author of their own)."""
    return Moment.objects.appointments().filter(date=day).select_related("household", "author")


def remind_due_appointments(day: datetime.date | None = None) -> int:
    """Each morning (beat task accompaniment.remind_due_appointments), tell every person
    the appointments they have that day: one notification per person, households by
    reference only. Chosen over a reminder the day before: it comes with the day's work
    list on the home, and a morning reminder is what a person acts on."""
    from django.urls import reverse
    from django.utils.text import format_lazy
    from django_scopes import scopes_disabled

    from apps.accounts.notifications import notify

    day = day or timezone.localdate()
    by_author: dict[int, list[Moment]] = {}
    with scopes_disabled():
        for moment in due_appointments(day).order_by("author_id", "time", "pk"):
            by_author.setdefault(moment.author_id, []).append(moment)
        url = f"{reverse('accompaniment:agenda')}?semaine={week_start(day):%Y-%m-%d}"
        for moments in by_author.values():
            lines = [
                f"{m.time:%H:%M} — {m.household.reference}" if m.time else m.household.reference
                for m in moments
            ]
            notify(
                [moments[0].author],
                title=format_lazy(_("Rendez-vous aujourd'hui : {count}"), count=len(moments)),
                body="\n".join(lines),
                url=url,
            )
    return len(by_author)


# --- Next step of a follow-up ---


@transaction.atomic
def set_next_step(
    follow_up: FollowUp,
    *,
    text: str,
    due: datetime.date | None,
    today: datetime.date | None = None,
) -> FollowUp:
    today = today or timezone.localdate()
    text = text.strip()
    if not follow_up.is_open:
        raise ValidationError(_("Ce suivi est clôturé."))
    if due is not None and not text:
        raise ValidationError(_("Décrivez la prochaine étape avant de lui donner une échéance."))
    if due is not None:
        PLANNED_DATE(due)
    follow_up.next_step = text
    follow_up.next_step_due = due if text else None
    follow_up.save(update_fields=["next_step", "next_step_due"])
    return follow_up


def overdue_next_steps(user: User, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    return (
        follow_ups_for(user)
        .filter(closed_on__isnull=True, next_step_due__lt=today)
        .exclude(next_step="")
        .order_by("next_step_due", "pk")
    )


# --- Personal calendar feed ---


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_feed(user: User) -> str:
    """A new secret token for the person's feed; any previous URL stops working. The
    token itself is returned once, to be shown, and never stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": _digest(token), "revoked_at": None}
    )
    return token


@transaction.atomic
def revoke_feed(user: User) -> bool:
    return bool(
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def feed_owner(token: str) -> User | None:
    """The person whose active feed this token opens, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(token_hash=_digest(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def feed_state(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()
