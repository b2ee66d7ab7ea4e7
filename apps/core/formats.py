"""How numbers, amounts and dates read, in every output: pages, PDFs, CSV and XLSX.

One place so that a figure reads the same on the page, in the PDF and in the export: the
active language's separators (fr-BE: `28 000,00 €`, `12,5 %`; German: `28.000,00 €`),
half-up rounding as people round by hand (never `-0,00`), "—" for an unknown value, and
dates to the minute (seconds mean nothing to a reader). Spreadsheet cells keep numbers as
numbers and use the XLSX formats below, so a total can still be summed.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat, timezone

UNKNOWN = "—"
# Non-breaking, so that "28 000,00 €" never wraps between its digits or before its sign.
NBSP = "\u00a0"

XLSX_AMOUNT = '#,##0.00 "€"'
XLSX_NUMBER = "#,##0"
XLSX_DECIMAL = "#,##0.00"
XLSX_DATE = "DD/MM/YYYY"
XLSX_DATETIME = "DD/MM/YYYY HH:MM"

Number = int | float | Decimal


def _rounded(value: Number, decimals: int) -> Decimal:
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # no "-0,00"


def number(value: Number | None, decimals: int = 0, *, grouping: bool = True) -> str:
    """`18 000`, `3,5`; `grouping=False` for CSV cells that a spreadsheet must read back."""
    if value is None:
        return UNKNOWN
    text = numberformat.format(
        _rounded(value, decimals),
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=formats.get_format("NUMBER_GROUPING") if grouping else 0,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=grouping,
    )
    return text.replace(" ", NBSP)


def amount(value: Number | None) -> str:
    """`18 000,00 €`."""
    if value is None:
        return UNKNOWN
    return f"{number(value, 2)}{NBSP}€"


def percent(value: Number | None, decimals: int = 1) -> str:
    """`12,5 %` for a value already in percent (12.5, not 0.125)."""
    if value is None:
        return UNKNOWN
    return f"{number(value, decimals)}{NBSP}%"


def day(value: datetime.date | None) -> str:
    """`05/12/2026`."""
    if value is None:
        return UNKNOWN
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.strftime("%d/%m/%Y")


def moment(value: datetime.datetime | None) -> str:
    """`05/12/2026 14:30`, in local time, without seconds."""
    if value is None:
        return UNKNOWN
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")
