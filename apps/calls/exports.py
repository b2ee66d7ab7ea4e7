"""The consolidated ranking as XLSX: the same rows and figures as the page and the PDFs
(`queries.deliberation`), numbers kept as numbers with the fr-BE formats."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.calls.models import Call
from apps.core.formats import XLSX_AMOUNT, XLSX_DECIMAL
from apps.core.spreadsheets import safe_cell


def _num(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def ranking_xlsx(call: Call, data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    criteria = data["criteria"]
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = _("Classement")[:31]
    sheet.append([safe_cell(call.title)])
    if data["provisional"]:
        sheet.append(
            [safe_cell(_("Document provisoire : les décisions ne sont pas encore définitives."))]
        )
    header = [
        _("Rang"),
        _("Dossier"),
        _("SLSP porteuse"),
        _("Total /100"),
        *[f"{c.label} ({_('poids')} {c.weight.normalize()})" for c in criteria],
        _("Demandé (€)"),
        _("Cumul (€)"),
        _("Décision"),
        _("Accordé (€)"),
        _("Motivation"),
    ]
    sheet.append([safe_cell(h) for h in header])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_criterion = 5
    amount_columns = [first_criterion + len(criteria) + i for i in (0, 1, 3)]
    for row in data["rows"]:
        dossier = row.dossier
        decision = getattr(dossier, "decision", None)
        means = {s.criterion.id: s.mean for s in row.criteria}
        sheet.append(
            [
                row.rank,
                safe_cell(dossier.title),
                safe_cell(str(dossier.lead_slsp)),
                _num(row.total),
                *[_num(means.get(c.id)) for c in criteria],
                _num(dossier.requested_amount),
                _num(row.cumulative),
                safe_cell(decision.get_outcome_display()) if decision else None,
                _num(decision.granted_amount) if decision else None,
                safe_cell(decision.rationale) if decision else None,
            ]
        )
        line = sheet.max_row
        sheet.cell(line, 4).number_format = XLSX_DECIMAL
        for i in range(len(criteria)):
            sheet.cell(line, first_criterion + i).number_format = XLSX_DECIMAL
        for column in amount_columns:
            sheet.cell(line, column).number_format = XLSX_AMOUNT
    figures = data["figures"]
    sheet.append([])
    for label, value in (
        (_("Enveloppe de l'appel"), figures["budget"]),
        (_("Montant demandé"), data["summary"]["requested"]),
        (_("Total accordé"), figures["granted"]),
        (_("Solde de l'enveloppe"), figures["remaining"]),
    ):
        sheet.append([None, safe_cell(label), None, _num(value)])
        sheet.cell(sheet.max_row, 4).number_format = XLSX_AMOUNT
    sheet.freeze_panes = f"C{header_row + 1}"
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 28
    for i in range(len(criteria)):
        sheet.column_dimensions[get_column_letter(first_criterion + i)].width = 18
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
