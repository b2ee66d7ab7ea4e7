"""PDF documents of the calls app: the submission receipt and the call's results."""

from __future__ import annotations

from django.utils import timezone

from apps.calls.models import Domain, TargetPublic
from apps.core.pdf import render_pdf


def receipt_pdf(dossier, version) -> bytes:
    snapshot = version.snapshot
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
