"""Writes of collective actions and their sessions; every business rule lives here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.collective.models import ActionSession, CollectiveAction
from apps.core import versioning
from apps.partners.models import Partner, SlspPartner
from apps.slsps.models import Slsp

ACTION_FIELDS = ("kind", "title", "district", "objective", "start_date", "end_date")


def _check_partners(
    slsp_id: int, partners: Iterable[Partner], keep: Iterable[Partner] = ()
) -> None:
    """Partners must belong to the SLSP's network; those already on the action stay
    acceptable even if the link was removed since (history is not rewritten)."""
    wanted = {p.pk for p in partners} - {p.pk for p in keep}
    if not wanted:
        return
    linked = set(
        SlspPartner.objects.filter(slsp_id=slsp_id, partner_id__in=wanted).values_list(
            "partner_id", flat=True
        )
    )
    if wanted - linked:
        raise ValidationError(
            _("Un des partenaires choisis ne fait pas partie du réseau de cette SLSP.")
        )


EARLIEST = datetime.date(2000, 1, 1)
PLANNING_HORIZON_DAYS = 2 * 366


def _check_period(start_date: datetime.date, end_date: datetime.date | None) -> None:
    if end_date is not None and end_date < start_date:
        raise ValidationError(_("La date de fin précède la date de début."))
    # A typo in the year (0025, 2205) would skew every semestrial indicator.
    latest = timezone.localdate() + datetime.timedelta(days=PLANNING_HORIZON_DAYS)
    for day in (start_date, end_date):
        if day is not None and not EARLIEST <= day <= latest:
            raise ValidationError(
                _("Les dates de l'action doivent se situer entre le %(first)s et le %(last)s.")
                % {"first": f"{EARLIEST:%d/%m/%Y}", "last": f"{latest:%d/%m/%Y}"}
            )


@transaction.atomic
def create_action(
    slsp: Slsp,
    user: User,
    *,
    kind: str,
    title: str,
    objective: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    district: str = "",
    partners: Iterable[Partner] = (),
) -> CollectiveAction:
    _check_period(start_date, end_date)
    partner_list = list(partners)
    _check_partners(slsp.pk, partner_list)
    action = CollectiveAction.objects.create(
        slsp=slsp,
        kind=kind,
        title=title.strip(),
        district=district.strip(),
        objective=objective.strip(),
        start_date=start_date,
        end_date=end_date,
        created_by=user,
    )
    action.partners.set(partner_list)
    return action


@transaction.atomic
def update_action(
    action: CollectiveAction,
    *,
    partners: Iterable[Partner] = (),
    version: int | None = None,
    **data: Any,
) -> CollectiveAction:
    """Edit an action; started from `version`, it raises versioning.StaleEdit if someone
    else saved the action since."""
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown collective action fields: {sorted(unknown)}")
    versioning.claim(action, version)
    action = CollectiveAction.objects.select_for_update().get(pk=action.pk)
    start = data.get("start_date", action.start_date)
    end = data.get("end_date", action.end_date)
    _check_period(start, end)
    # The period must still hold every session already logged.
    span = action.sessions.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is not None and (
        span["first"] < start or (end is not None and span["last"] > end)
    ):
        raise ValidationError(
            _(
                "Des séances ont eu lieu entre le %(first)s et le %(last)s : "
                "la période de l'action doit les contenir."
            )
            % {"first": f"{span['first']:%d/%m/%Y}", "last": f"{span['last']:%d/%m/%Y}"}
        )
    partner_list = list(partners)
    _check_partners(action.slsp_id, partner_list, keep=list(action.partners.all()))
    for name, value in data.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    action.save(update_fields=[*data, "updated_at"])
    action.partners.set(partner_list)
    return action


def _check_session(
    action: CollectiveAction,
    date: datetime.date,
    participants: int,
    tenants: int,
    volunteers: int,
) -> None:
    """Attendance is counted after the session: no future date, within the action."""
    if date > timezone.localdate():
        raise ValidationError(_("Une séance ne peut pas être datée dans le futur."))
    if date < action.start_date or (action.end_date is not None and date > action.end_date):
        raise ValidationError(_("La date de la séance sort de la période de l'action."))
    if min(participants, tenants, volunteers) < 0:
        raise ValidationError(_("Les nombres ne peuvent pas être négatifs."))
    if tenants > participants:
        raise ValidationError(
            _("Le nombre de locataires ne peut pas dépasser le nombre de participants.")
        )


@transaction.atomic
def log_session(
    action: CollectiveAction,
    user: User,
    *,
    date: datetime.date,
    participants: int,
    tenants: int,
    volunteers: int = 0,
    note: str = "",
) -> ActionSession:
    _check_session(action, date, participants, tenants, volunteers)
    return ActionSession.objects.create(
        action=action,
        slsp_id=action.slsp_id,
        date=date,
        participants=participants,
        tenants=tenants,
        volunteers=volunteers,
        note=note.strip(),
        created_by=user,
    )


@transaction.atomic
def update_session(
    session: ActionSession,
    *,
    date: datetime.date,
    participants: int,
    tenants: int,
    volunteers: int = 0,
    note: str = "",
) -> ActionSession:
    """A corrected session (a miscounted attendance, a wrong date): the same rules as
    when it was logged."""
    session = ActionSession.objects.select_for_update().select_related("action").get(pk=session.pk)
    _check_session(session.action, date, participants, tenants, volunteers)
    session.date = date
    session.participants = participants
    session.tenants = tenants
    session.volunteers = volunteers
    session.note = note.strip()
    session.save(update_fields=["date", "participants", "tenants", "volunteers", "note"])
    return session


def delete_session(session: ActionSession) -> None:
    """A session logged by mistake (twice, or on the wrong action)."""
    ActionSession.objects.filter(pk=session.pk).delete()


@transaction.atomic
def record_outcome(
    action: CollectiveAction, *, outcome: str, on: datetime.date | None = None
) -> CollectiveAction:
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError(_("Décrivez le résultat qualitatif de l'action."))
    action.outcome = outcome
    action.outcome_recorded_on = on or timezone.localdate()
    action.save(update_fields=["outcome", "outcome_recorded_on", "updated_at"])
    return action
