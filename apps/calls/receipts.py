"""PDF documents of the calls app: the submission receipt, the call's results, the
deliberation minutes, the decision letters and the juror's printable dossier.

Every figure of a results document comes from `queries.deliberation` (ranking, summary,
money): the page, these PDFs and the XLSX cannot disagree."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from apps.calls.models import Domain, TargetPublic
from apps.core.pdf import render_pdf


def _decimal(text: Any) -> Decimal | None:
    """An amount of the frozen snapshot (stored as text); None when absent."""
    try:
        return Decimal(str(text))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _when(text: str) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def receipt_pdf(dossier, version) -> bytes:
    snapshot = version.snapshot
    lines = [
        {"label": line["label"], "amount": _decimal(line["amount"])}
        for line in snapshot.get("budget_lines", [])
    ]
    return render_pdf(
        "calls/pdf/receipt.html",
        {
            "dossier": dossier,
            "version": version,
            "snapshot": snapshot,
            "domains": [Domain(d).label for d in snapshot["domains"] if d in Domain.values],
            "publics": [
                TargetPublic(p).label
                for p in snapshot["target_publics"]
                if p in TargetPublic.values
            ],
            "submitted_at": timezone.localtime(version.submitted_at),
            "requested_amount": _decimal(snapshot.get("requested_amount")),
            "budget_lines": lines,
            "budget_total": sum((line["amount"] or Decimal(0) for line in lines), Decimal(0)),
            "approved_by": snapshot.get("approved_by") or "",
            "approved_at": _when(snapshot.get("approved_at") or ""),
        },
    )


def _common(call, data: dict) -> dict:
    return {
        "call": call,
        "rows": data["rows"],
        "criteria": data["criteria"],
        "summary": data["summary"],
        "figures": data["figures"],
        "provisional": data["provisional"],
        "generated_at": timezone.localtime(),
    }


def results_pdf(call, data: dict) -> bytes:
    return render_pdf("calls/pdf/results.html", _common(call, data))


def minutes_pdf(call, data: dict, attendees: list) -> bytes:
    """The deliberation minutes (PV): attendance, ranking, decisions with their
    motivation, the budget granted against the envelope, and space for signatures."""
    return render_pdf("calls/pdf/minutes.html", {**_common(call, data), "attendees": attendees})


def decision_letter_pdf(dossier, applicant, row, data: dict) -> bytes:
    """The decision addressed to one applicant SLSP, with its motivation and the
    dossier's mean score on each criterion."""
    return render_pdf(
        "calls/pdf/letter.html",
        {
            **_common(dossier.call, data),
            "dossier": dossier,
            "decision": dossier.decision,
            "applicant": applicant,
            "row": row,
        },
    )


def dossier_pdf(dossier, applicants: list) -> bytes:
    """The dossier as the juror reads it, to print (no other juror's opinion in it)."""
    return render_pdf(
        "calls/pdf/dossier.html",
        {"dossier": dossier, "applicants": applicants, "generated_at": timezone.localtime()},
    )
