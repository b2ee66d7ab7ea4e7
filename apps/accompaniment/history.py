"""The household's history of corrections: moments corrected or deleted (before → after),
follow-ups reopened, consents withdrawn in part or in full, each with who, when and why.

The rows come from records written by the services (MomentRevision, FollowUpReopening,
ConsentWithdrawal), never from a copy of a sensitive note: a moment's history shows
whether it had a health or violence note, never its text (apps.accompaniment.sensitive).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from apps.accompaniment.models import (
    ConsentWithdrawal,
    FollowUpReopening,
    MomentKind,
    MomentRevision,
    RevisionAction,
    Sensitivity,
    WithdrawalPurpose,
)
from apps.core import formats

if TYPE_CHECKING:
    from apps.accompaniment.models import Consent
    from apps.tenants.models import Household

HISTORY_LIMIT = 50


def _label(choices: type[MomentKind] | type[Sensitivity], code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _moment_value(name: str, value: Any) -> str:
    if name == "kind":
        return _label(MomentKind, value)
    if name == "date":
        return formats.day(datetime.date.fromisoformat(value)) if value else formats.UNKNOWN
    if name == "duration_minutes":
        return f"{formats.number(value)} min"
    if name == "partners":
        return ", ".join(value) or formats.UNKNOWN
    if name == "sensitivity":
        return _label(Sensitivity, value) if value else _("aucune")
    return str(value) if value not in ("", None) else formats.UNKNOWN


def _field_labels() -> dict[str, str]:
    return {
        "kind": _("Type"),
        "date": _("Date"),
        "duration_minutes": _("Durée"),
        "follow_up": _("Suivi"),
        "note": _("Note brève"),
        "participants": _("Qui a participé"),
        "partners": _("Partenaires présents"),
        "sensitivity": _("Note sensible"),
    }


def _who(user: Any) -> str:
    return user.get_full_name() or user.email


def revision_changes(revision: MomentRevision) -> list[dict[str, str]]:
    """(field, before, after) of each changed field; every field for a deletion."""
    labels = _field_labels()
    changes = []
    for name, label in labels.items():
        before = revision.before.get(name, "")
        after = (
            revision.after.get(name, "") if revision.action == RevisionAction.CORRECTED else None
        )
        if after is not None and before == after:
            continue
        if after is None and before in ("", None, []):
            continue
        changes.append(
            {
                "field": label,
                "before": _moment_value(name, before),
                "after": _moment_value(name, after) if after is not None else "",
            }
        )
    return changes


def household_history(household: Household) -> list[dict[str, Any]]:
    """The household's recent corrections, newest first (three queries)."""
    rows: list[dict[str, Any]] = []
    for revision in MomentRevision.objects.filter(household=household).select_related("by")[
        :HISTORY_LIMIT
    ]:
        kind = _moment_value("kind", revision.before.get("kind", ""))
        day = _moment_value("date", revision.before.get("date", ""))
        if revision.action == RevisionAction.CORRECTED:
            title = _("Moment corrigé : %(moment)s") % {"moment": f"{kind} — {day}"}
        else:
            title = _("Moment supprimé : %(moment)s") % {"moment": f"{kind} — {day}"}
        rows.append(
            {
                "at": revision.at,
                "title": title,
                "by": _who(revision.by),
                "reason": revision.reason,
                "changes": revision_changes(revision),
            }
        )
    for reopening in FollowUpReopening.objects.filter(
        follow_up__household=household
    ).select_related("follow_up", "reopened_by")[:HISTORY_LIMIT]:
        rows.append(
            {
                "at": reopening.reopened_at,
                "title": _("Suivi « %(objective)s » rouvert (clôturé le %(date)s : %(outcome)s)")
                % {
                    "objective": reopening.follow_up.objective,
                    "date": formats.day(reopening.previous_closed_on),
                    "outcome": reopening.get_previous_outcome_display(),
                },
                "by": _who(reopening.reopened_by),
                "reason": reopening.reason,
                "changes": [],
            }
        )
    for withdrawal in _withdrawals(household)[:HISTORY_LIMIT]:
        rows.append(
            {
                "at": withdrawal.created_at,
                "title": _withdrawal_text(withdrawal),
                "by": _who(withdrawal.recorded_by),
                "reason": withdrawal.reason,
                "changes": [],
            }
        )
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:HISTORY_LIMIT]


def _withdrawals(household: Household):
    return (
        ConsentWithdrawal.objects.filter(consent__household=household)
        .select_related("consent", "partner", "recorded_by")
        .order_by("-created_at", "-pk")
    )


def _withdrawal_text(withdrawal: ConsentWithdrawal) -> str:
    values = {
        "date": formats.day(withdrawal.withdrawn_on),
        "given": formats.day(withdrawal.consent.given_on),
    }
    if withdrawal.purpose == WithdrawalPurpose.FOLLOW_UP:
        return _("Accord du %(given)s : suivi retiré le %(date)s") % values
    return _("Accord du %(given)s : partage avec %(partner)s retiré le %(date)s") % {
        **values,
        "partner": withdrawal.partner.name if withdrawal.partner else formats.UNKNOWN,
    }


def withdrawal_rows(household: Household, consents: list[Consent]) -> None:
    """Give each consent `withdrawn_parts`: what was withdrawn from it, as sentences."""
    by_consent: dict[int, list[str]] = {}
    for withdrawal in _withdrawals(household).order_by("withdrawn_on", "pk"):
        if withdrawal.purpose == WithdrawalPurpose.FOLLOW_UP:
            text = _("suivi retiré le %(date)s") % {"date": formats.day(withdrawal.withdrawn_on)}
        else:
            text = _("partage avec %(partner)s retiré le %(date)s") % {
                "partner": withdrawal.partner.name if withdrawal.partner else formats.UNKNOWN,
                "date": formats.day(withdrawal.withdrawn_on),
            }
        by_consent.setdefault(withdrawal.consent_id, []).append(text)
    for consent in consents:
        consent.withdrawn_parts = by_consent.get(consent.pk, [])  # type: ignore[attr-defined]
