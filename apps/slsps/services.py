"""Writes of the SLSP register."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Membership, User
from apps.core import versioning
from apps.slsps.models import (
    ActionStrategy,
    Attendance,
    GoodPracticeSheet,
    NetworkEvent,
    Province,
    Slsp,
)

if TYPE_CHECKING:
    from apps.slsps.forms import (
        BaseStrategyItemFormSet,
        GoodPracticeForm,
        NetworkEventForm,
        StrategyForm,
    )

PROVINCE_BY_LABEL = {str(label).lower(): value for value, label in Province.choices}


@dataclass
class ReferenceLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def load_reference_slsps(path: Path) -> ReferenceLoadResult:
    """Upsert the real SLSPs listed in the reference CSV (name, commune, province, units, year).

    Idempotent: loading the same file twice changes nothing. Blank cells never erase
    what the SWL has completed by hand in the register.
    """
    result = ReferenceLoadResult()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            values = {
                "head_office_commune": row.get("commune", "").strip(),
                "province": PROVINCE_BY_LABEL.get(row.get("province", "").strip().lower(), ""),
                "housing_units": int(row["units"]) if row.get("units", "").strip() else None,
                "housing_units_year": int(row["source_year"])
                if row.get("source_year", "").strip()
                else None,
            }
            slsp = Slsp.objects.filter(official_name=name).first()
            if slsp is None:
                Slsp.objects.create(official_name=name, is_demo=False, **values)
                result.created += 1
                continue
            changed = [
                field
                for field, value in values.items()
                if value not in ("", None) and getattr(slsp, field) != value
            ]
            for field in changed:
                setattr(slsp, field, values[field])
            if changed:
                slsp.save(update_fields=[*changed, "updated_at"])
                result.updated += 1
            else:
                result.unchanged += 1
    return result


# --- Yearly action strategy and the référents' network ---


class StrategyConflict(Exception):
    """Another request created the strategy of the same SLSP and year first."""


@transaction.atomic
def save_strategy(
    slsp: Slsp,
    form: StrategyForm,
    formset: BaseStrategyItemFormSet,
    *,
    version: int | None = None,
) -> ActionStrategy:
    """Save a strategy and its objectives / priority axes together, or nothing.

    Items carry their SLSP (the scoped manager filters on it): set here, never by the
    form. A concurrent creation of the same year raises StrategyConflict, rolled back.
    """
    if form.instance.pk is not None:
        # An edit started from an older version is refused (versioning.StaleEdit).
        versioning.claim(form.instance, version)
    strategy = form.save(commit=False)
    strategy.slsp = slsp
    try:
        with transaction.atomic():
            strategy.save()
    except IntegrityError as error:
        raise StrategyConflict from error
    formset.instance = strategy
    items = formset.save(commit=False)
    for item in formset.deleted_objects:
        item.delete()
    for item in items:
        item.strategy = strategy
        item.slsp = slsp
        item.save()
    return strategy


@transaction.atomic
def save_network_event(form: NetworkEventForm) -> NetworkEvent:
    return form.save()


@transaction.atomic
def record_attendance(event: NetworkEvent, decisions: Mapping[Membership, bool | None]) -> int:
    """Apply {membership: True/False/None} to an event's attendance list.

    None removes a recorded line (not recorded); the SLSP stored is the person's
    référent SLSP, so counts per SLSP stay one GROUP BY. A few bulk queries whatever
    the number of référents. Returns the number of lines changed.
    """
    existing = {a.person_id: a for a in Attendance.objects.filter(event=event)}
    to_create: list[Attendance] = []
    to_update: list[Attendance] = []
    to_delete: list[int] = []
    for membership, present in decisions.items():
        line = existing.get(membership.user_id)
        # Decisions are about référent memberships, which always name their SLSP.
        slsp_id = membership.slsp_id or 0
        if present is None:
            if line is not None:
                to_delete.append(line.pk)
        elif line is None:
            to_create.append(
                Attendance(
                    event=event,
                    person_id=membership.user_id,
                    slsp_id=slsp_id,
                    present=present,
                )
            )
        elif line.present != present or line.slsp_id != slsp_id:
            line.present = present
            line.slsp_id = slsp_id
            line.updated_at = timezone.now()  # bulk_update does not apply auto_now
            to_update.append(line)
    if to_delete:
        Attendance.objects.filter(pk__in=to_delete).delete()
    if to_create:
        Attendance.objects.bulk_create(to_create)
    if to_update:
        Attendance.objects.bulk_update(to_update, ["present", "slsp", "updated_at"])
    return len(to_create) + len(to_update) + len(to_delete)


@transaction.atomic
def save_good_practice(form: GoodPracticeForm, user: User) -> GoodPracticeSheet:
    sheet = form.save(commit=False)
    if sheet.created_by_id is None:
        sheet.created_by = user
    sheet.save()
    return sheet
