"""Import of the SLSP's rental-management export (CSV or XLSX), one row per member.

Rows sharing a tenancy reference form one household. `plan()` is the dry run: it
says, row by row, what would be created, updated, left unchanged or rejected, and
why. `apply()` re-plans inside one transaction and writes everything or nothing;
importing the same file twice changes nothing. Reads and writes are batched so the
cost grows with the file, not with round trips.
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
from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.uploads import check_zip_archive
from apps.tenants.models import Category, Household, HousingUnit, Language, Member, Tenancy

# Canonical column -> accepted header spellings (compared without accents or case).
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
    "debut_bail": ["debut_bail", "debut_du_bail", "date_debut", "entree"],
    "fin_bail": ["fin_bail", "fin_du_bail", "date_fin", "sortie"],
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
YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true", "ja"}
NO = {"non", "n", "no", "0", "", "faux", "false", "nein"}


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, headers)."""


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


CATEGORY_BY_KEY = {}
for value, label in Category.choices:
    CATEGORY_BY_KEY[_key(value)] = value
    CATEGORY_BY_KEY[_key(str(label))] = value
CATEGORY_BY_KEY.update({"social": Category.SOCIAL, "utilite_publique": Category.SOCIAL})
HEADER_BY_KEY = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


# --- reading ---------------------------------------------------------------------
#
# A file is read as a stream of lines and refused as soon as a limit is passed, never
# after building everything: an export of one SLSP is ~25,000 lines (10,000 homes),
# a hostile file can declare millions. Each limit can be tuned in the settings
# (TENANTS_IMPORT_<NAME>).

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # lines with data (members)
MAX_BLANK_LINES = 1_000  # blank lines tolerated on top (an export rarely has any)
MAX_COLUMNS = 100  # columns read; anything further right is ignored
MAX_LINE_CHARS = 10_000  # CSV: one physical line
MAX_CELLS_PER_ROW = 1_000  # XLSX: cells written in one row element
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


def read_rows(data: bytes, filename: str = "", *, seconds: float | None = None) -> list[dict]:
    """Rows as dicts keyed by canonical column, from CSV (UTF-8 or cp1252, ; or ,) or XLSX.

    Refuses (ImportFileError, in French) a file over the size, line or column limits, a
    decompression bomb, or one that takes longer than `seconds` to read."""
    if not data:
        raise ImportFileError(_("Le fichier est vide."))
    if len(data) > limit("MAX_BYTES"):
        raise ImportFileError(
            _("Le fichier dépasse %(mb)s Mo.") % {"mb": limit("MAX_BYTES") // (1024 * 1024)}
        )
    deadline = _Deadline(limit("READ_SECONDS") if seconds is None else seconds)
    lines = _xlsx_lines(data, deadline) if data[:4] == b"PK\x03\x04" else _csv_lines(data, deadline)
    with contextlib.closing(lines):
        return _collect(lines, deadline)


def _collect(lines: Iterator[Sequence[Any]], deadline: _Deadline) -> list[dict]:
    first = next(lines, None)
    if first is None:
        raise ImportFileError(_("Le fichier ne contient aucune ligne."))
    header = [HEADER_BY_KEY.get(_key(h), "") for h in first]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            _("Colonnes obligatoires absentes : %(cols)s. Vérifiez la ligne d'en-tête.")
            % {"cols": ", ".join(missing)}
        )
    max_rows = limit("MAX_ROWS")
    max_lines = max_rows + limit("MAX_BLANK_LINES")
    rows: list[dict] = []
    for count, values in enumerate(lines, start=1):
        deadline.check()
        if count > max_lines:
            raise _too_many_lines()
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if len(rows) == max_rows:
            raise _too_many_lines()
        rows.append({col: _cell(v) for col, v in zip(header, values, strict=False) if col})
    return rows


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


def _csv_lines(data: bytes, deadline: _Deadline) -> Generator[list[str], None, None]:
    """CSV rows, decoded and split as they are read (never the whole text in memory)."""
    if b"\x00" in data[:4096]:
        raise ImportFileError(str(_ENCODING_ERROR))
    encoding = next((e for e in ("utf-8-sig", "cp1252") if _decodes(data, e, deadline)), None)
    if encoding is None:
        raise ImportFileError(str(_ENCODING_ERROR))
    max_chars = limit("MAX_LINE_CHARS")
    max_columns = limit("MAX_COLUMNS")
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first_line = text.readline(max_chars + 1)
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","

    def physical_lines() -> Iterator[str]:
        line, number = first_line, 1
        while line:
            if len(line) > max_chars:
                raise ImportFileError(
                    _("La ligne %(n)s dépasse %(max)s caractères : le fichier est refusé.")
                    % {"n": number, "max": max_chars}
                )
            yield line
            line, number = text.readline(max_chars + 1), number + 1

    try:
        for row in csv.reader(physical_lines(), delimiter=delimiter):
            yield row[:max_columns]
    except csv.Error as exc:
        raise ImportFileError(_("Le fichier CSV est mal formé : %(err)s") % {"err": exc}) from exc


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


def _sheet_part_limit(name: str) -> int:
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return limit("MAX_SHEET_BYTES")
    return limit("MAX_PART_BYTES")


def _xlsx_lines(data: bytes, deadline: _Deadline) -> Generator[tuple[Any, ...], None, None]:
    """XLSX rows, streamed. The archive's sizes and every XML part's rows are checked
    before openpyxl opens it (openpyxl parses each sheet once when it opens the
    workbook, to size it, if the sheet declares no dimension); then the declared
    dimension is ignored and no row is padded past MAX_COLUMNS."""
    from openpyxl import load_workbook

    try:
        check_zip_archive(
            io.BytesIO(data),
            max_total_bytes=limit("MAX_ARCHIVE_BYTES"),
            max_member_bytes=_sheet_part_limit,
        )
    except ValidationError as exc:
        raise ImportFileError(exc.messages[0]) from exc
    _scan_archive(data, deadline)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a corrupt archive
        raise ImportFileError(_("Le classeur Excel est illisible.")) from exc
    try:
        # The <dimension> is the writer's claim (A1:XFD1048576 makes openpyxl pad every
        # row to 16,384 cells and invent a million empty rows): read what is there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_col=limit("MAX_COLUMNS"))
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet fails half-way
                raise ImportFileError(_("Le classeur Excel est illisible.")) from exc
            yield row
    finally:
        workbook.close()


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
        raise ImportFileError(_("Le classeur Excel est illisible.")) from exc


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, deadline: _Deadline) -> None:
    max_lines = limit("MAX_ROWS") + limit("MAX_BLANK_LINES") + 1
    max_cells = limit("MAX_CELLS_PER_ROW")
    counts = {"rows": 0, "cells": 0}

    def start(name: str, attributes: Any) -> None:
        local = name.rpartition("}")[2]
        if local == "row":
            counts["rows"] += 1
            counts["cells"] = 0
            if counts["rows"] > max_lines:
                raise _Refused(str(_too_many_lines()))
        elif local == "c":
            counts["cells"] += 1
            if counts["cells"] > max_cells:
                raise _Refused(
                    _("Une ligne du classeur a plus de %(n)s cellules : le fichier est refusé.")
                    % {"n": max_cells}
                )

    def no_doctype(*args: Any) -> None:
        raise _Refused(_("Le classeur Excel est illisible."))

    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_doctype
    with archive.open(member) as source:
        while chunk := source.read(256 * 1024):
            deadline.check()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


# --- validating --------------------------------------------------------------------


def parse_date(value: str) -> datetime.date:
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value.strip())
    if not match:
        raise ValueError(_("date « %(v)s » attendue au format jj/mm/aaaa") % {"v": value})
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("date « %(v)s » impossible") % {"v": value}) from None


@dataclass
class MemberData:
    first_name: str
    last_name: str
    birth_year: int | None
    relation: str

    @property
    def key(self):
        return (self.first_name.lower(), self.last_name.lower(), self.birth_year)


@dataclass
class HouseholdData:
    reference: str
    address: str
    postal_code: str
    commune: str
    district: str
    category: str
    start_date: datetime.date
    end_date: datetime.date | None
    accompanied: bool
    public: str
    language: str
    members: list[MemberData] = field(default_factory=list)

    def tenancy_values(self):
        return (self.end_date, self.category, self.accompanied, self.public)


@dataclass
class RowResult:
    line: int
    reference: str
    action: str  # create, update, unchanged, reject
    reasons: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


ACTION_LABELS = {
    "create": gettext_lazy("à créer"),
    "update": gettext_lazy("à mettre à jour"),
    "unchanged": gettext_lazy("inchangé"),
    "reject": gettext_lazy("rejeté"),
}


def _validate_row(row: dict) -> tuple[HouseholdData | None, MemberData | None, list[str]]:
    errors = []
    for column in REQUIRED:
        if not row.get(column):
            errors.append(_("« %(col)s » est vide") % {"col": column})
    category = CATEGORY_BY_KEY.get(_key(row.get("categorie", "")))
    if row.get("categorie") and not category:
        errors.append(_("catégorie inconnue « %(v)s »") % {"v": row["categorie"]})
    postal = row.get("code_postal", "")
    if postal and not re.fullmatch(r"\d{4}", postal):
        errors.append(_("code postal « %(v)s » : quatre chiffres attendus") % {"v": postal})
    start = end = None
    for column in ("debut_bail", "fin_bail"):
        if row.get(column):
            try:
                parsed = parse_date(row[column])
            except ValueError as exc:
                errors.append(f"{column} : {exc}")
                continue
            if column == "debut_bail":
                start = parsed
            else:
                end = parsed
    if start and end and end < start:
        errors.append(_("la fin du bail précède son début"))
    birth_year = None
    if row.get("annee_naissance"):
        try:
            birth_year = int(row["annee_naissance"])
            if not 1900 <= birth_year <= timezone.localdate().year:
                raise ValueError
        except ValueError:
            errors.append(
                _("année de naissance « %(v)s » impossible") % {"v": row["annee_naissance"]}
            )
            birth_year = None
    accompanied = _key(row.get("accompagne", ""))
    if accompanied not in YES | NO:
        errors.append(_("« accompagne » doit valoir oui ou non"))
    language = _key(row.get("langue", "")) or Language.FR
    if language not in Language.values:
        errors.append(_("langue « %(v)s » inconnue (fr, de, nl)") % {"v": row["langue"]})
    # REQUIRED has already refused a row without a category or a start date.
    if errors or category is None or start is None:
        return None, None, errors
    household = HouseholdData(
        reference=row["reference"],
        address=row["adresse"],
        postal_code=postal,
        commune=row["commune"],
        district=row.get("cite", ""),
        category=category,
        start_date=start,
        end_date=end,
        accompanied=accompanied in YES,
        public=row.get("public", ""),
        language=language,
    )
    member = MemberData(row["prenom"], row["nom"], birth_year, row.get("lien", ""))
    return household, member, []


# --- planning ----------------------------------------------------------------------


@dataclass
class ImportPlan:
    rows: list[RowResult]
    households: dict[str, HouseholdData]
    to_end: list[str]  # references whose current tenancy a full export would end

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def summary(self) -> dict:
        return {a: self.count(a) for a in ACTION_LABELS} | {"to_end": len(self.to_end)}


def _silent(percent: int) -> None:
    pass


def plan(slsp, rows: list[dict], *, full: bool = False, progress=_silent) -> ImportPlan:
    """The dry run. `progress(percent)` is called now and then (0-100 of the planning)."""
    results: list[RowResult] = []
    groups: dict[str, HouseholdData] = {}
    lines_by_ref: dict[str, list[int]] = defaultdict(list)
    bad_refs: set[str] = set()
    step = max(1, len(rows) // 20)
    for index, row in enumerate(rows, start=2):  # line 1 is the header
        if index % step == 0:
            progress(min(99, 100 * index // max(1, len(rows))))
        reference = row.get("reference", "")
        household, member, errors = _validate_row(row)
        if household is None or member is None:
            results.append(RowResult(index, reference, "reject", errors))
            bad_refs.add(reference)
            continue
        lines_by_ref[reference].append(index)
        existing = groups.get(reference)
        if existing is None:
            groups[reference] = household
            existing = household
        elif _household_fields(existing) != _household_fields(household):
            results.append(
                RowResult(
                    index, reference, "reject", [_("contredit une ligne précédente du même bail")]
                )
            )
            bad_refs.add(reference)
            continue
        if any(m.key == member.key for m in existing.members):
            results.append(RowResult(index, reference, "reject", [_("membre en double")]))
            bad_refs.add(reference)
            continue
        existing.members.append(member)
        results.append(RowResult(index, reference, "pending"))

    # A household is imported whole or not at all.
    for reference in bad_refs:
        groups.pop(reference, None)
    for result in results:
        if result.action == "pending" and result.reference in bad_refs:
            result.action = "reject"
            result.reasons.append(_("une autre ligne de ce bail est rejetée"))

    state = _existing_state(slsp, groups.keys())
    actions = {ref: _action_for(data, state) for ref, data in groups.items()}
    for result in results:
        if result.action == "pending":
            result.action = actions[result.reference]
    to_end = []
    if full:
        current = Tenancy.objects.filter(slsp=slsp).current(timezone.localdate())
        to_end = sorted(
            set(current.values_list("household__reference", flat=True)) - set(groups) - bad_refs
        )
    return ImportPlan(results, groups, to_end)


def _household_fields(h: HouseholdData):
    return (
        h.address,
        h.postal_code,
        h.commune,
        h.district,
        h.category,
        h.start_date,
        h.end_date,
        h.accompanied,
        h.public,
        h.language,
    )


@dataclass
class _State:
    households: dict[str, Household]
    units: dict[tuple[str, str], HousingUnit]
    tenancies: dict[tuple[int, datetime.date], Tenancy]
    members: dict[int, dict[tuple[str, str, int | None], Member]]


def _existing_state(slsp, references) -> _State:
    households = {
        h.reference: h for h in Household.objects.filter(slsp=slsp, reference__in=list(references))
    }
    ids = [h.pk for h in households.values()]
    tenancies = {
        (t.household_id, t.start_date): t for t in Tenancy.objects.filter(household_id__in=ids)
    }
    members: defaultdict[int, dict[tuple[str, str, int | None], Member]] = defaultdict(dict)
    for m in Member.objects.filter(household_id__in=ids):
        members[m.household_id][(m.first_name.lower(), m.last_name.lower(), m.birth_year)] = m
    units = {(u.address, u.postal_code): u for u in HousingUnit.objects.filter(slsp=slsp)}
    return _State(households, units, tenancies, members)


def _action_for(data: HouseholdData, state: _State) -> str:
    household = state.households.get(data.reference)
    if household is None:
        return "create"
    tenancy = state.tenancies.get((household.pk, data.start_date))
    unit = state.units.get((data.address, data.postal_code))
    known = state.members.get(household.pk, {})
    unchanged = (
        tenancy is not None
        and unit is not None
        and tenancy.unit_id == unit.pk
        and (tenancy.end_date, tenancy.category, tenancy.accompanied, tenancy.public)
        == data.tenancy_values()
        and (unit.commune, unit.district, unit.category)
        == (data.commune, data.district, data.category)
        and household.language == data.language
        and household.size == len(data.members)
        and all(m.key in known for m in data.members)
    )
    return "unchanged" if unchanged else "update"


# --- applying ----------------------------------------------------------------------


@transaction.atomic
def apply(
    slsp, rows: list[dict], *, full: bool = False, confirm_end: bool = False, progress=_silent
) -> ImportPlan:
    """Write the plan in one transaction. Tenancies missing from a full export are
    ended only when the user confirmed it (`confirm_end`). `progress(percent)` reports
    0-100 (planning is the first half)."""
    result = plan(slsp, rows, full=full, progress=lambda p: progress(p // 2))
    groups = result.households
    state = _existing_state(slsp, groups.keys())

    new_units = {}
    for data in groups.values():
        key = (data.address, data.postal_code)
        if key not in state.units and key not in new_units:
            new_units[key] = HousingUnit(
                slsp=slsp,
                address=data.address,
                postal_code=data.postal_code,
                commune=data.commune,
                district=data.district,
                category=data.category,
            )
    HousingUnit.objects.bulk_create(new_units.values())
    state.units.update(new_units)
    changed_units = []
    for data in groups.values():
        unit = state.units[(data.address, data.postal_code)]
        if (unit.commune, unit.district, unit.category) != (
            data.commune,
            data.district,
            data.category,
        ):
            unit.commune, unit.district, unit.category = data.commune, data.district, data.category
            changed_units.append(unit)
    HousingUnit.objects.bulk_update(changed_units, ["commune", "district", "category"])
    progress(60)

    new_households, changed_households = [], []
    for data in groups.values():
        head = data.members[0]
        name = f"{head.last_name} {head.first_name}".strip()
        household = state.households.get(data.reference)
        if household is None:
            household = Household(
                slsp=slsp,
                reference=data.reference,
                size=len(data.members),
                language=data.language,
                display_name=name,
            )
            new_households.append(household)
            state.households[data.reference] = household
        elif (household.size, household.language) != (len(data.members), data.language):
            household.size, household.language = len(data.members), data.language
            changed_households.append(household)
    Household.objects.bulk_create(new_households)
    Household.objects.bulk_update(changed_households, ["size", "language", "updated_at"])
    progress(70)

    new_tenancies, changed_tenancies, new_members = [], [], []
    for data in groups.values():
        household = state.households[data.reference]
        unit = state.units[(data.address, data.postal_code)]
        tenancy = state.tenancies.get((household.pk, data.start_date))
        if tenancy is None:
            new_tenancies.append(
                Tenancy(
                    slsp=slsp,
                    household=household,
                    unit=unit,
                    start_date=data.start_date,
                    end_date=data.end_date,
                    category=data.category,
                    accompanied=data.accompanied,
                    public=data.public,
                )
            )
        elif (tenancy.unit_id, *_tenancy_values(tenancy)) != (unit.pk, *data.tenancy_values()):
            tenancy.unit = unit
            tenancy.end_date, tenancy.category, tenancy.accompanied, tenancy.public = (
                data.tenancy_values()
            )
            changed_tenancies.append(tenancy)
        known = state.members.get(household.pk, {})
        for member in data.members:
            if member.key not in known:
                new_members.append(
                    Member(
                        slsp=slsp,
                        household=household,
                        first_name=member.first_name,
                        last_name=member.last_name,
                        birth_year=member.birth_year,
                        relation=member.relation,
                    )
                )
    Tenancy.objects.bulk_create(new_tenancies)
    Tenancy.objects.bulk_update(
        changed_tenancies, ["unit", "end_date", "category", "accompanied", "public"]
    )
    Member.objects.bulk_create(new_members)
    progress(95)

    if full and confirm_end and result.to_end:
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        for tenancy in Tenancy.objects.filter(
            slsp=slsp, household__reference__in=result.to_end, end_date__isnull=True
        ).select_for_update():
            tenancy.end_date = max(yesterday, tenancy.start_date)
            tenancy.save(update_fields=["end_date"])
    return result


def _tenancy_values(tenancy: Tenancy):
    return (tenancy.end_date, tenancy.category, tenancy.accompanied, tenancy.public)
