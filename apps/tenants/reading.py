"""Reading a rental-management export: file -> rows, each with the line number the user's
spreadsheet shows. CSV (UTF-8 or Windows, separated by ; , or tab), XLSX (any sheet,
merged cells as the user sees them) and ODS; `.xls` is refused with what to do.

A file is read as a stream of lines and refused as soon as a limit is passed, never
after building everything: an export of one SLSP is ~25,000 lines (10,000 homes), a
hostile file can declare millions. Each limit can be tuned in the settings
(TENANTS_IMPORT_<NAME>). A structure the reader would have to guess at (an unclosed
quote, two columns for one field) refuses the file, naming the line and the column.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import pyexpat
import re
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Generator, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.uploads import check_zip_archive

# Canonical column -> accepted header spellings (compared without accents or case).
# No bare "entree"/"sortie": in an SLSP's file an "Entrée" column is the building's
# entrance (A, B...), not the lease start; "Date d'entrée" says what it is.
COLUMNS = {
    "reference": ["reference", "reference_bail", "ref", "reference_du_bail", "num_bail"],
    "nom": ["nom", "nom_de_famille"],
    "prenom": ["prenom"],
    "annee_naissance": ["annee_naissance", "annee_de_naissance", "naissance"],
    "lien": ["lien", "lien_de_parente", "relation"],
    "adresse": ["adresse", "rue"],
    "code_postal": ["code_postal", "cp"],
    "commune": ["commune", "localite"],
    "cite": ["cite", "quartier", "quartier_cite"],
    "categorie": ["categorie", "type_logement", "categorie_logement"],
    "debut_bail": [
        *("debut_bail", "debut_du_bail", "date_debut", "date_debut_bail"),
        *("date_entree", "date_d_entree"),
    ],
    "fin_bail": [
        *("fin_bail", "fin_du_bail", "date_fin", "date_fin_bail"),
        *("date_sortie", "date_de_sortie"),
    ],
    "accompagne": ["accompagne", "locataire_accompagne"],
    "public": ["public", "public_specifique"],
    "langue": ["langue"],
}
REQUIRED = [
    "reference",
    "nom",
    "prenom",
    "adresse",
    "code_postal",
    "commune",
    "categorie",
    "debut_bail",
]
LINE = "_line"  # the key of a row's line number, as the user's spreadsheet numbers it


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, headers, structure)."""


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


HEADER_BY_KEY = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


class Rows(list[dict[str, Any]]):
    """The data rows (dicts keyed by canonical column, plus LINE) and, for messages, each
    canonical column's header as the file spells it."""

    def __init__(self, rows: list[dict[str, Any]], labels: dict[str, str]) -> None:
        super().__init__(rows)
        self.labels = labels


MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # lines with data (members)
MAX_BLANK_LINES = 1_000  # blank lines tolerated on top (an export rarely has any)
MAX_COLUMNS = 100  # columns read; anything further right is ignored
MAX_LINE_CHARS = 10_000  # CSV: one physical line
MAX_CELLS_PER_ROW = 1_000  # XLSX: cells written in one row element
MAX_MERGED_CELLS = 100_000  # XLSX: cells covered by merged ranges
# XLSX members once decompressed: a worksheet streams, other parts are loaded whole.
MAX_SHEET_BYTES = 150 * 1024 * 1024
MAX_PART_BYTES = 24 * 1024 * 1024
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
READ_SECONDS = 15.0  # in a web request (gunicorn gives up at 30 s)
WORKER_READ_SECONDS = 120.0  # in the worker, re-reading a file already accepted


def limit(name: str) -> Any:
    return getattr(settings, f"TENANTS_IMPORT_{name}", globals()[name])


class _Deadline:
    """A monotonic deadline checked while iterating: a slow file is refused, not waited for."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise ImportFileError(
                _(
                    "Le fichier est trop long à lire (plus de %(s)s secondes) : enregistrez-le "
                    "en CSV ou découpez-le en plusieurs fichiers."
                )
                % {"s": f"{self.seconds:g}"}
            )


def _too_many_lines() -> ImportFileError:
    return ImportFileError(
        _("Le fichier dépasse %(n)s lignes : découpez-le en plusieurs fichiers.")
        % {"n": f"{limit('MAX_ROWS'):,}".replace(",", "\u202f")}
    )


# A numbered line: (line number in the user's spreadsheet, cell values).
Line = tuple[int, Sequence[Any]]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)


def read_rows(
    data: bytes, filename: str = "", *, seconds: float | None = None, sheet: str = ""
) -> Rows:
    """Rows as dicts keyed by canonical column, plus LINE (the spreadsheet's line number).

    Refuses (ImportFileError, in French) a file over the size, line or column limits, a
    decompression bomb, an unclosed quote, two columns for one field, or one that takes
    longer than `seconds` to read. `sheet` names the sheet of a workbook; without it, the
    first sheet that has the required columns."""
    if not data:
        raise ImportFileError(_("Le fichier est vide."))
    if len(data) > limit("MAX_BYTES"):
        raise ImportFileError(
            _("Le fichier dépasse %(mb)s Mo.") % {"mb": limit("MAX_BYTES") // (1024 * 1024)}
        )
    if data[:8] == OLE_MAGIC or filename.lower().endswith(".xls"):
        raise ImportFileError(
            _(
                "Les fichiers .xls (Excel 97-2003) ne sont pas lus : ouvrez-le dans Excel ou "
                "LibreOffice et enregistrez-le au format .xlsx (ou CSV), puis importez ce fichier."
            )
        )
    deadline = _Deadline(limit("READ_SECONDS") if seconds is None else seconds)
    if data[:4] != b"PK\x03\x04":
        lines = _csv_lines(data, deadline)
        with contextlib.closing(lines):
            return _collect(lines, deadline)
    _check_archive(data, deadline)
    if _is_ods(data):
        from apps.tenants import ods

        sheets = ods.sheets(data, deadline, limit("MAX_COLUMNS"))
    else:
        sheets = _xlsx_sheets(data, deadline)
    return _collect_sheet(sheets, sheet, deadline)


def _header_columns(first: Sequence[Any]) -> tuple[list[str], dict[str, str]]:
    """The canonical column of each header cell; refuses two cells for one column."""
    header: list[str] = []
    labels: dict[str, str] = {}
    for cell in first:
        text = "" if cell is None else str(cell).strip()
        column = HEADER_BY_KEY.get(_key(text), "")
        if column and column in labels:
            raise ImportFileError(
                _(
                    "Les colonnes « %(a)s » et « %(b)s » désignent toutes deux « %(col)s » : "
                    "gardez-en une seule, l'import ne choisit pas à votre place."
                )
                % {"a": labels[column], "b": text, "col": column}
            )
        if column:
            labels[column] = text
        header.append(column)
    return header, labels


def _missing(header: list[str]) -> list[str]:
    return [c for c in REQUIRED if c not in header]


def _missing_error(missing: list[str]) -> ImportFileError:
    return ImportFileError(
        _("Colonnes obligatoires absentes : %(cols)s. Vérifiez la ligne d'en-tête.")
        % {"cols": ", ".join(missing)}
    )


def _blank(values: Sequence[Any]) -> bool:
    return not any(v is not None and str(v).strip() for v in values)


def _collect(lines: Iterator[Line], deadline: _Deadline) -> Rows:
    first: Line | None = None
    for line in lines:
        if not _blank(line[1]):
            first = line
            break
    if first is None:
        raise ImportFileError(_("Le fichier ne contient aucune ligne."))
    header, labels = _header_columns(first[1])
    missing = _missing(header)
    if missing:
        raise _missing_error(missing)
    return _data_rows(lines, header, labels, deadline)


def _data_rows(
    lines: Iterator[Line], header: list[str], labels: dict[str, str], deadline: _Deadline
) -> Rows:
    max_rows = limit("MAX_ROWS")
    max_lines = max_rows + limit("MAX_BLANK_LINES")
    rows: list[dict[str, Any]] = []
    for count, (number, values) in enumerate(lines, start=1):
        deadline.check()
        if count > max_lines:
            raise _too_many_lines()
        # Empty rows are not lines of data: nor is a row of a formatted XLSX template
        # where only a column the import does not read (a line number, a formula) is
        # filled.
        if _blank(values):
            continue
        row: dict[str, Any] = {col: _cell(v) for col, v in zip(header, values, strict=False) if col}
        if not any(row.values()):
            continue
        if len(rows) == max_rows:
            raise _too_many_lines()
        row[LINE] = number
        rows.append(row)
    return Rows(rows, labels)


def _collect_sheet(
    sheets: Iterator[tuple[str, Iterator[Line]]], wanted: str, deadline: _Deadline
) -> Rows:
    """The chosen sheet, or the first whose header has every required column."""
    names: list[str] = []
    first_missing: list[str] | None = None
    for name, lines in sheets:
        names.append(name)
        try:
            if wanted and name.strip().lower() != wanted.strip().lower():
                continue
            first = next((line for line in lines if not _blank(line[1])), None)
            if first is None:
                if wanted:
                    raise ImportFileError(_("La feuille « %(s)s » est vide.") % {"s": name})
                continue
            header, labels = _header_columns(first[1])
            missing = _missing(header)
            if missing:
                if wanted:
                    raise _missing_error(missing)
                first_missing = missing if first_missing is None else first_missing
                continue
            return _data_rows(lines, header, labels, deadline)
        finally:
            close = getattr(lines, "close", None)
            if close is not None:
                close()
    if wanted:
        raise ImportFileError(
            _("Le classeur n'a pas de feuille « %(s)s » (feuilles : %(names)s).")
            % {"s": wanted, "names": ", ".join(names)}
        )
    if first_missing is None:
        raise ImportFileError(_("Le fichier ne contient aucune ligne."))
    if len(names) > 1:
        raise ImportFileError(
            _(
                "Aucune feuille du classeur n'a les colonnes obligatoires (feuilles : "
                "%(names)s). Colonnes obligatoires absentes : %(cols)s."
            )
            % {"names": ", ".join(names), "cols": ", ".join(first_missing)}
        )
    raise _missing_error(first_missing)


def _cell(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_ENCODING_ERROR = gettext_lazy(
    "Encodage non reconnu : enregistrez le fichier en CSV UTF-8 ou Windows (ANSI)."
)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d])  # ties: the order above


def _csv_lines(data: bytes, deadline: _Deadline) -> Generator[Line, None, None]:
    """CSV rows with their first physical line's number, decoded and split as they are
    read (never the whole text in memory)."""
    if b"\x00" in data[:4096]:
        raise ImportFileError(str(_ENCODING_ERROR))
    encoding = next((e for e in ("utf-8-sig", "cp1252") if _decodes(data, e, deadline)), None)
    if encoding is None:
        raise ImportFileError(str(_ENCODING_ERROR))
    max_chars = limit("MAX_LINE_CHARS")
    max_columns = limit("MAX_COLUMNS")
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = text.readline(max_chars + 1)
    # The header decides the separator; leading blank lines do not.
    skipped = [first_line]
    while first_line and not first_line.strip() and len(skipped) <= limit("MAX_BLANK_LINES"):
        first_line = text.readline(max_chars + 1)
        skipped.append(first_line)
    delimiter = _delimiter(first_line)

    def physical_lines() -> Iterator[str]:
        number = 0
        pending = iter(skipped)
        while True:
            line = next(pending, None)
            if line is None:
                line = text.readline(max_chars + 1)
            if not line:
                return
            number += 1
            if len(line) > max_chars:
                raise ImportFileError(
                    _("La ligne %(n)s dépasse %(max)s caractères : le fichier est refusé.")
                    % {"n": number, "max": max_chars}
                )
            yield line

    reader = csv.reader(physical_lines(), delimiter=delimiter, strict=False)
    header: list[str] = []
    try:
        previous = 0
        for row in reader:
            start, previous = previous + 1, reader.line_num
            row = row[:max_columns]
            if not header and not _blank(row):
                header = row
            for index, value in enumerate(row):
                # A quote opened and never closed carries the following lines into
                # this cell: the file is refused rather than rows silently swallowed.
                if "\n" in value or "\r" in value:
                    name = header[index] if index < len(header) else str(index + 1)
                    raise ImportFileError(
                        _(
                            "Ligne %(line)s, colonne « %(col)s » : un guillemet ouvert n'est "
                            "pas refermé, les lignes suivantes y seraient absorbées. Corrigez "
                            "cette cellule (ou retirez le guillemet) et réenregistrez le fichier."
                        )
                        % {"line": start, "col": name}
                    )
            yield start, row
    except csv.Error as exc:
        # The csv module's messages are in English: say it in French, with the line.
        raise ImportFileError(
            _(
                "Le fichier CSV est mal formé à la ligne %(line)s : vérifiez les guillemets et "
                "les séparateurs de cette ligne."
            )
            % {"line": reader.line_num}
        ) from exc


def _decodes(data: bytes, encoding: str, deadline: _Deadline) -> bool:
    """Whether the bytes decode, checked by chunks so that no full copy of the text is built."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    chunk = 1024 * 1024
    try:
        for start in range(0, len(data), chunk):
            deadline.check()
            decoder.decode(data[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_ods(data: bytes) -> bool:
    with (
        contextlib.suppress(zipfile.BadZipFile, KeyError, OSError),
        zipfile.ZipFile(io.BytesIO(data)) as archive,
    ):
        return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    return False


def _sheet_part_limit(name: str) -> int:
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return limit("MAX_SHEET_BYTES")
    return limit("MAX_PART_BYTES")


def _check_archive(data: bytes, deadline: _Deadline) -> None:
    try:
        check_zip_archive(
            io.BytesIO(data),
            max_total_bytes=limit("MAX_ARCHIVE_BYTES"),
            max_member_bytes=_sheet_part_limit,
        )
    except ValidationError as exc:
        raise ImportFileError(exc.messages[0]) from exc
    _scan_archive(data, deadline)


_UNREADABLE = gettext_lazy("Le classeur Excel est illisible.")


def _xlsx_sheets(
    data: bytes, deadline: _Deadline
) -> Generator[tuple[str, Iterator[Line]], None, None]:
    """Each sheet's name and rows, streamed. The archive's sizes and every XML part's rows
    were checked before openpyxl opens it (openpyxl parses each sheet once when it opens
    the workbook, to size it, if the sheet declares no dimension); then the declared
    dimension is ignored and no row is padded past MAX_COLUMNS."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        worksheets = list(workbook.worksheets)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt archive
        raise ImportFileError(str(_UNREADABLE)) from exc
    try:
        for sheet in worksheets:
            if not hasattr(sheet, "reset_dimensions"):
                continue  # a chart sheet
            merges = _merged_ranges(data, sheet._worksheet_path)  # type: ignore[attr-defined]
            yield sheet.title, _sheet_lines(sheet, merges, deadline)
    finally:
        workbook.close()


def _sheet_lines(
    sheet: Any, merges: list[tuple[int, int, int, int]], deadline: _Deadline
) -> Generator[Line, None, None]:
    # The <dimension> is the writer's claim (A1:XFD1048576 makes openpyxl pad every
    # row to 16,384 cells and invent a million empty rows): read what is there.
    sheet.reset_dimensions()
    max_columns = limit("MAX_COLUMNS")
    rows = sheet.iter_rows(values_only=True, max_col=max_columns)
    # Cells of a merged range show its top-left value: filled as the rows pass.
    fill: dict[tuple[int, int], Any] = {}
    by_top: dict[int, list[tuple[int, int, int]]] = {}
    for top, left, bottom, right in merges:
        by_top.setdefault(top, []).append((left, bottom, right))
    number = 0
    while True:
        deadline.check()
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a damaged sheet fails half-way
            raise ImportFileError(str(_UNREADABLE)) from exc
        number += 1  # openpyxl yields an empty tuple for each missing row
        values = list(row)
        for left, bottom, right in by_top.get(number, ()):
            value = values[left - 1] if left - 1 < len(values) else None
            for r in range(number, bottom + 1):
                for c in range(left, min(right, max_columns) + 1):
                    if (r, c) != (number, left):
                        fill[(r, c)] = value
        if fill:
            for (r, c), value in [(k, v) for k, v in fill.items() if k[0] == number]:
                while len(values) < c:
                    values.append(None)
                values[c - 1] = value
                del fill[(r, c)]
        yield number, values


_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _cell_position(ref: str) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(ref.strip().upper().replace("$", ""))
    if not match:
        raise ImportFileError(str(_UNREADABLE))
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


def _merged_ranges(data: bytes, part: str) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges (top, left, bottom, right), read with expat; capped."""
    ranges: list[tuple[int, int, int, int]] = []
    covered = [0]
    max_cells = limit("MAX_MERGED_CELLS")

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition("}")[2] != "mergeCell" or "ref" not in attributes:
            return
        first, _sep, last = attributes["ref"].partition(":")
        top, left = _cell_position(first)
        bottom, right = _cell_position(last or first)
        covered[0] += (bottom - top + 1) * (right - left + 1)
        if covered[0] > max_cells:
            raise _Refused(
                _("Le classeur a plus de %(n)s cellules fusionnées : le fichier est refusé.")
                % {"n": max_cells}
            )
        ranges.append((top, left, bottom, right))

    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part.lstrip("/")) as src:
            while chunk := src.read(256 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused as exc:
        raise ImportFileError(exc.args[0]) from None
    except (KeyError, pyexpat.ExpatError, zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise ImportFileError(str(_UNREADABLE)) from exc
    return ranges


class _Refused(Exception):
    pass


def _scan_archive(data: bytes, deadline: _Deadline) -> None:
    """Scan every XML part with expat (C speed, constant memory) before openpyxl builds
    anything: a part with too many rows, a row with too many cells (openpyxl holds a
    row whole) or a DOCTYPE (entity tricks; an XLSX part never has one) is refused in a
    fraction of a second. A part is XML by its name or, whatever its name (a relation
    may point anywhere), by its first byte."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if member.is_dir():
                    continue
                with archive.open(member) as source:
                    head = source.read(64)
                is_xml = member.filename.lower().endswith((".xml", ".rels", ".vml"))
                if is_xml or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    _scan_part(archive, member, deadline)
    except _Refused as exc:
        raise ImportFileError(exc.args[0]) from None
    except (
        pyexpat.ExpatError,
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method zipfile cannot read
    ) as exc:
        raise ImportFileError(str(_UNREADABLE)) from exc


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, deadline: _Deadline) -> None:
    max_lines = limit("MAX_ROWS") + limit("MAX_BLANK_LINES") + 1
    max_cells = limit("MAX_CELLS_PER_ROW")
    counts = {"rows": 0, "cells": 0}

    def start(name: str, attributes: Any) -> None:
        local = name.rpartition("}")[2]
        if local in ("row", "table-row"):
            counts["rows"] += 1
            counts["cells"] = 0
            if counts["rows"] > max_lines:
                raise _Refused(str(_too_many_lines()))
        elif local in ("c", "table-cell", "covered-table-cell"):
            counts["cells"] += 1
            if counts["cells"] > max_cells:
                raise _Refused(
                    _("Une ligne du classeur a plus de %(n)s cellules : le fichier est refusé.")
                    % {"n": max_cells}
                )

    def no_doctype(*args: Any) -> None:
        raise _Refused(str(_UNREADABLE))

    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_doctype
    with archive.open(member) as source:
        while chunk := source.read(256 * 1024):
            deadline.check()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
