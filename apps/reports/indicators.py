"""Indicators of one SLSP for one semester, assembled from the figures the apps publish.

Each figure is defined once, in the queries.py of the app that owns its data, and
published through the core registry (`RegionalMetric` with `per_semester`): the regional
table, the drill-down, this report and the regional report read the same functions.
The breakdowns (per domain, per kind, per partner type) come from the same apps.

The result is plain data: counts, codes and durations, never a name, a note or an id of
a household. It is what a draft report shows and what a validated report freezes (as
JSON), and what the regional report sums up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from apps.accompaniment import queries as accompaniment
from apps.collective import queries as collective
from apps.core.periods import Semester
from apps.core.registry import registry
from apps.partners import queries as partners
from apps.referrals import queries as referrals
from apps.reports import trends
from apps.slsps import queries as slsps


def figure(key: str, slsp_id: int, semester: Semester) -> int:
    """One published figure of one SLSP (0 when the app reports nothing for it)."""
    value = registry.metric(key).compute([slsp_id], semester).get(slsp_id)
    return int(value or 0)


@dataclass
class SemesterIndicators:
    year: int
    semester: int
    start: str
    end: str
    follow_ups: dict = field(default_factory=dict)
    follow_ups_by_domain: list = field(default_factory=list)
    moments_total: int = 0
    moments_by_kind: list = field(default_factory=list)
    welcome: dict = field(default_factory=dict)
    referrals: dict = field(default_factory=dict)
    collective: dict = field(default_factory=dict)
    relocations: dict = field(default_factory=dict)
    network: dict = field(default_factory=dict)
    partners: dict = field(default_factory=dict)
    # Kept for the frozen JSON of reports validated when an app was still being built.
    unavailable: list = field(default_factory=list)
    trends: list = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def compute(slsp_id: int, year: int, semester: int) -> dict[str, Any]:
    period = Semester(year, semester)
    result = SemesterIndicators(year, semester, period.start.isoformat(), period.end.isoformat())
    now = {m.key: figure(m.key, slsp_id, period) for m in registry.semester_metrics()}
    result.follow_ups = {
        "opened": now["suivis_ouverts"],
        "closed": int(accompaniment.closed_follow_ups_by_slsp([slsp_id], period).get(slsp_id, 0)),
        "active": now["suivis"],
    }
    result.relocations = {
        "accompanied": now["relogements"],
        "rehoused": int(accompaniment.rehoused_by_slsp([slsp_id], period).get(slsp_id, 0)),
    }
    result.follow_ups_by_domain = accompaniment.follow_ups_by_domain(slsp_id, period)
    result.moments_by_kind = accompaniment.moments_by_kind(slsp_id, period)
    result.moments_total = now["moments"]
    new, done = now["nouveaux_menages"], now["accueillis"]
    result.welcome = {
        "days": accompaniment.welcome_days(),
        "new_households": new,
        "welcomed": done,
        "coverage": round(100 * done / new, 1) if new else None,
    }
    result.referrals = referrals.referral_breakdown(slsp_id, period)
    result.collective = collective.collective_totals(slsp_id, period)
    result.network = {"by_kind": slsps.network_by_kind(slsp_id, period)}
    result.partners = {
        "linked": now["partenaires"],
        "agreements_active": now["conventions"],
        "by_type": partners.network_partners_by_type(slsp_id, period),
    }
    # Trends, frozen with the rest: each figure a year before, the semester before, now.
    past = {s: trends.semester_figures(s, [slsp_id]) for s in trends.compared(period)[:2]}
    result.trends = [
        {
            "key": key,
            "points": [[str(s), past[s][key][slsp_id]] for s in past] + [[str(period), value]],
        }
        for key, value in now.items()
    ]
    return result.as_dict()
