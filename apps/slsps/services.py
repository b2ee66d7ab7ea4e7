"""Writes of the SLSP register."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from apps.slsps.models import Province, Slsp

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
