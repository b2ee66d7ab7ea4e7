"""What a report shows, for the web page and the PDF alike (one code path, one set of charts).

`indicator_view(snapshot)` turns an indicator snapshot (codes and counts) into labelled
tables and SVG charts; `semester_pdf(report)` renders the PDF with WeasyPrint through
apps/core/pdf.py (closed URL fetcher, fonts from Debian's fonts-dejavu).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import formats
from apps.core.charts import PALETTE, hbar_chart
from apps.core.pdf import render_pdf
from apps.core.registry import registry
from apps.reports import labels


def _fr(value) -> str:
    """A figure as text, fr-BE (apps/core/formats.py): `1 234`, `3,5`, "—" when unknown."""
    if value is None:
        return formats.UNKNOWN
    if isinstance(value, float):
        return formats.number(value, 1)
    if isinstance(value, int):
        return formats.number(value)
    return str(value)


def indicator_view(ind: dict) -> dict:
    """Labelled rows and charts of a snapshot; tolerant of blocks left out (older snapshots)."""
    ind = ind or {}
    domains = [
        {**row, "label": labels.domain(row["domain"])}
        for row in ind.get("follow_ups_by_domain", [])
    ]
    moments = [
        {
            **row,
            "label": labels.moment_kind(row["kind"]),
            "hours": _fr(round(row.get("minutes", 0) / 60, 1)),
        }
        for row in ind.get("moments_by_kind", [])
    ]
    referrals = ind.get("referrals") or {}
    statuses = labels.referral_statuses()
    used = [code for code in statuses if code in (referrals.get("by_status") or {})]
    referral_rows = [
        {
            "label": labels.partner_type(row["type"]),
            "cells": [row.get(code, 0) for code in used],
            "total": row.get("total", 0),
        }
        for row in referrals.get("by_type", [])
    ]
    network = [
        {**row, "label": labels.network_kind(row["kind"])}
        for row in (ind.get("network") or {}).get("by_kind", [])
    ]
    partners = ind.get("partners") or {}
    partner_rows = [
        {**row, "label": labels.partner_type(row["type"])} for row in partners.get("by_type", [])
    ]
    charts = {
        "moments": hbar_chart(
            [(m["label"], m["count"]) for m in moments[:10]],
            title=_("Moments d'accompagnement par type"),
        ),
        "domains": hbar_chart(
            [(d["label"], d["active"]) for d in domains],
            title=_("Suivis actifs en fin de semestre, par domaine"),
            color=PALETTE[1],
        ),
        "referrals": hbar_chart(
            [(r["label"], r["total"]) for r in referral_rows[:10]],
            title=_("Orientations par type de partenaire"),
            color=PALETTE[2],
        ),
        "partners": hbar_chart(
            [(p["label"], p["partners"]) for p in partner_rows[:10]],
            title=_("Partenaires du réseau par type"),
            color=PALETTE[3],
        ),
    }
    welcome = ind.get("welcome") or {}
    follow_ups = ind.get("follow_ups") or {}
    key_figures = [
        (_("Suivis ouverts"), _fr(follow_ups.get("opened"))),
        (_("Suivis clôturés"), _fr(follow_ups.get("closed"))),
        (_("Suivis actifs en fin de semestre"), _fr(follow_ups.get("active"))),
        (_("Moments d'accompagnement"), _fr(ind.get("moments_total"))),
        (_("Nouveaux ménages accueillis"), _welcome_text(welcome)),
    ]
    if referrals:
        key_figures.append((_("Orientations vers des partenaires"), _fr(referrals.get("total"))))
    collective = ind.get("collective") or {}
    if collective:
        key_figures.append((_("Séances d'actions collectives"), _fr(collective.get("sessions"))))
    return {
        "ind": ind,
        "start": _date(ind.get("start")),
        "end": _date(ind.get("end")),
        "key_figures": key_figures,
        "domains": domains,
        "moments": moments,
        "welcome": welcome,
        "referrals": referrals,
        "referral_statuses": [statuses[c] for c in used],
        "referral_rows": referral_rows,
        "median_response": _fr(referrals.get("median_response_days")),
        "referral_outcomes": [
            (labels.referral_outcome(code), n)
            for code, n in sorted(
                (referrals.get("by_outcome") or {}).items(), key=lambda kv: -kv[1]
            )
        ],
        "collective": collective,
        "relocations": ind.get("relocations") or {},
        "network": network,
        "partners": partners,
        "partner_rows": partner_rows,
        "charts": charts,
        "unavailable": ind.get("unavailable", []),
        "trends": trend_rows(ind.get("trends") or []),
    }


def trend_rows(frozen: list[dict]) -> list[dict]:
    """Each figure over three semesters (as frozen in the snapshot), with a small chart."""
    known = {m.key: m.label for m in registry.semester_metrics()}
    rows = []
    for trend in frozen:
        if trend["key"] not in known:
            continue
        points = [(label, value) for label, value in trend["points"]]
        rows.append(
            {
                "label": known[trend["key"]],
                "points": points,
                "chart": hbar_chart(
                    [(label, 0 if isinstance(v, str) else v, str(v)) for label, v in points],
                    width=260,
                    bar_height=10,
                    label_width=60,
                    color=PALETTE[1],
                ),
            }
        )
    return rows


def _date(value):
    import datetime

    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _welcome_text(welcome: dict) -> str:
    if not welcome:
        return "—"
    if not welcome.get("new_households"):
        return _("aucune entrée")
    return _("%(done)s sur %(new)s (%(pct)s %%)") % {
        "done": welcome["welcomed"],
        "new": welcome["new_households"],
        "pct": _fr(welcome["coverage"]),
    }


def evaluation_groups(report) -> list[dict]:
    from apps.slsps.models import StrategyItemKind

    evaluations = list(report.evaluations.all())
    groups = []
    for kind, label in (
        (StrategyItemKind.OBJECTIVE, _("Objectifs")),
        (StrategyItemKind.AXIS, _("Axes prioritaires")),
    ):
        items = [e for e in evaluations if e.kind == kind]
        if items:
            groups.append({"label": label, "items": items})
    return groups


def semester_context(report) -> dict:
    return {
        "report": report,
        "slsp": report.slsp,
        "view": indicator_view(report.indicators),
        "groups": evaluation_groups(report),
        "generated_at": timezone.localtime(),
    }


def semester_pdf(report, progress=None) -> bytes:
    context = semester_context(report)
    if progress:
        progress(50)
    return render_pdf("reports/pdf/semester.html", context)


def pdf_offer(report, builds) -> dict:
    """The PDFs of a version, the validated one apart from the working versions.

    `validated`: the newest ready build made after validation (what is offered by
    default); `drafts`: every other build, newest first (marked PROJET in the PDF).
    """
    validated = None
    if report.validated_at is not None:
        validated = next(
            (b for b in builds if b.status == "ready" and b.created_at >= report.validated_at),
            None,
        )
    drafts = [b for b in builds if b is not validated and not b.is_active]
    return {"validated": validated, "drafts": drafts}


def status_text(build) -> str:
    """The one status line of a build, shown by the page and sent to its progress poll."""
    label = str(build.get_status_display())
    total = getattr(build, "slsp_count", 0)
    if build.status == "building" and total:
        return _("%(label)s — %(done)s / %(total)s SLSP") % {
            "label": label,
            "done": formats.number(min(build.slsps_done, total)),
            "total": formats.number(total),
        }
    return label


def progress_state(build) -> dict:
    """Status text and bar of a build from the same row: the page and the poll agree."""
    return {
        "status": build.status,
        "label": str(build.get_status_display()),
        "text": status_text(build),
        "progress": build.progress if build.status != "ready" else 100,
        "done": not build.is_active,
        "error": build.error,
    }
