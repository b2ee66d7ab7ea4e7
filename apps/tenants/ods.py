"""OpenDocument spreadsheets (.ods, LibreOffice's format) read with expat.

The archive has already been checked (sizes, DOCTYPE, rows per part) by the reader.
content.xml is parsed once, keeping only the rows that hold something, each with its
line number; repeated rows and columns (an ODS writes "16,384 empty cells" as one
element) are counted, never expanded past MAX_COLUMNS, and merged cells are filled
with the value the user sees, as for XLSX.
"""

from __future__ import annotations

import datetime
import io
import pyexpat
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from apps.tenants.reading import ImportFileError, Line

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _unreadable() -> ImportFileError:
    return ImportFileError(_("Le classeur OpenDocument (.ods) est illisible."))


class _Sheets:
    def __init__(self, deadline: Any, max_columns: int, max_lines: int) -> None:
        self.deadline = deadline
        self.max_columns = max_columns
        self.max_lines = max_lines
        self.sheets: list[tuple[str, list[Line]]] = []
        self.row: list[Any] | None = None
        self.row_repeat = 1
        self.line = 0
        self.cell: dict[str, Any] | None = None
        self.text: list[str] = []
        self.in_p = 0
        # (line, column) -> value of a merged range's top-left cell, for covered cells.
        self.fill: dict[tuple[int, int], Any] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == f"{TABLE}}}table":
            self.sheets.append((attrs.get(f"{TABLE}}}name", ""), []))
            self.line = 0
            self.fill = {}
        elif name == f"{TABLE}}}table-row" and self.sheets:
            self.row = []
            self.row_repeat = _count(attrs.get(f"{TABLE}}}number-rows-repeated"))
        elif (
            name in (f"{TABLE}}}table-cell", f"{TABLE}}}covered-table-cell")
            and self.row is not None
        ):
            self.cell = attrs
            self.text = []
            self.in_p = 0
        elif name == f"{TEXT}}}p" and self.cell is not None:
            if self.in_p or self.text:
                self.text.append("\n")
            self.in_p += 1
        elif name == f"{TEXT}}}s" and self.cell is not None:
            self.text.append(" " * _count(attrs.get(f"{TEXT}}}c")))
        elif name == f"{TEXT}}}tab" and self.cell is not None:
            self.text.append("\t")

    def chars(self, data: str) -> None:
        if self.cell is not None and self.in_p:
            self.text.append(data)

    def end(self, name: str) -> None:
        if (
            name in (f"{TABLE}}}table-cell", f"{TABLE}}}covered-table-cell")
            and self.cell is not None
        ):
            self._end_cell(name)
        elif name == f"{TEXT}}}p" and self.cell is not None:
            self.in_p -= 1
        elif name == f"{TABLE}}}table-row" and self.row is not None:
            self._end_row()

    def _end_cell(self, name: str) -> None:
        assert self.row is not None and self.cell is not None
        attrs = self.cell
        self.cell = None
        value = _value(attrs, "".join(self.text).strip())
        repeat = _count(attrs.get(f"{TABLE}}}number-columns-repeated"))
        line = self.line + 1
        for _i in range(repeat):
            if len(self.row) >= self.max_columns:
                return
            column = len(self.row) + 1
            if name.endswith("covered-table-cell"):
                value = self.fill.pop((line, column), value)
            self.row.append(value)
            rows_spanned = _count(attrs.get(f"{TABLE}}}number-rows-spanned"))
            columns_spanned = _count(attrs.get(f"{TABLE}}}number-columns-spanned"))
            if rows_spanned > 1 or columns_spanned > 1:
                if rows_spanned * columns_spanned > 10_000:
                    raise _unreadable()
                for r in range(line, line + rows_spanned):
                    for c in range(column, min(column + columns_spanned, self.max_columns + 1)):
                        if (r, c) != (line, column):
                            self.fill[(r, c)] = value

    def _end_row(self) -> None:
        assert self.row is not None
        self.deadline.check()
        row, self.row = self.row, None
        blank = not any(v is not None and str(v).strip() for v in row)
        if blank:
            self.line += self.row_repeat  # trailing "1,048,576 empty rows" cost nothing
            return
        for _i in range(min(self.row_repeat, self.max_lines)):
            self.line += 1
            self.sheets[-1][1].append((self.line, list(row)))
            if len(self.sheets[-1][1]) > self.max_lines:
                from apps.tenants.reading import _too_many_lines

                raise _too_many_lines()


def _count(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _value(attrs: dict[str, str], text: str) -> Any:
    kind = attrs.get(f"{OFFICE}}}value-type", "")
    if kind == "date" and attrs.get(f"{OFFICE}}}date-value"):
        try:
            return datetime.date.fromisoformat(attrs[f"{OFFICE}}}date-value"][:10])
        except ValueError:
            return text
    if kind in ("float", "percentage", "currency") and attrs.get(f"{OFFICE}}}value"):
        raw = attrs[f"{OFFICE}}}value"]
        try:
            number = float(raw)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    return text or None


def sheets(data: bytes, deadline: Any, max_columns: int) -> Iterator[tuple[str, Iterator[Line]]]:
    """Each sheet's name and its non-empty rows with their line numbers."""
    from apps.tenants.reading import limit

    state = _Sheets(deadline, max_columns, limit("MAX_ROWS") + limit("MAX_BLANK_LINES"))
    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.chars
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as src:
            while chunk := src.read(256 * 1024):
                deadline.check()
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (KeyError, pyexpat.ExpatError, zipfile.BadZipFile, OSError) as exc:
        raise _unreadable() from exc
    for name, rows in state.sheets:
        yield name, iter(rows)
