"""PDF documents of the calls app: the submission receipt and the call's results."""

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


def results_pdf(call, ranking: dict, summary: dict) -> bytes:
    return render_pdf(
        "calls/pdf/results.html",
        {
            "call": call,
            "rows": ranking["rows"],
            "criteria": ranking["criteria"],
            "summary": summary,
            "generated_at": timezone.localtime(),
        },
    )
