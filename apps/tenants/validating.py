"""One line of the export checked and turned into a household's data, or rejected with
its reason (the column named, as the user's spreadsheet names it): required columns,
dates within plausible bounds (Excel serial dates converted), values no longer than
their database column, categories and yes/no answers as people write them.
Reading the file is `apps.tenants.reading`; planning the sync is `apps.tenants.importer`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.tenants.models import (
    Category,
    Household,
    HousingUnit,
    Language,
    Member,
    Tenancy,
    reference_key,
)
from apps.tenants.reading import REQUIRED, _key

YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true", "ja"}
NO = {"non", "n", "no", "0", "", "faux", "false", "nein"}

CATEGORY_BY_KEY: dict[str, str] = {}
for _value, _category_label in Category.choices:
    CATEGORY_BY_KEY[_key(_value)] = _value
    CATEGORY_BY_KEY[_key(str(_category_label))] = _value
CATEGORY_BY_KEY.update({"social": Category.SOCIAL, "utilite_publique": Category.SOCIAL})

# Each column's length limit is its database column's: a longer value rejects the line in
# the preview instead of failing the whole apply.
_MAX_LENGTH_FIELDS: dict[str, tuple[Any, str]] = {
    "reference": (Household, "reference"),
    "nom": (Member, "last_name"),
    "prenom": (Member, "first_name"),
    "lien": (Member, "relation"),
    "adresse": (HousingUnit, "address"),
    "commune": (HousingUnit, "commune"),
    "cite": (HousingUnit, "district"),
    "public": (Tenancy, "public"),
}
MAX_LENGTHS = {
    column: model._meta.get_field(name).max_length
    for column, (model, name) in _MAX_LENGTH_FIELDS.items()
}
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_YEARS_AHEAD = 5  # a lease signed ahead of its start, not a typo'd century
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value: str, today: datetime.date | None = None) -> datetime.date:
    text = value.strip()
    # An Excel serial number (a date cell formatted as a number, or saved as CSV so).
    serial = re.fullmatch(r"(\d{1,6})(?:[.,]0+)?", text)
    if serial:
        try:
            parsed = EXCEL_EPOCH + datetime.timedelta(days=int(serial.group(1)))
        except OverflowError:
            raise ValueError(_("date « %(v)s » impossible") % {"v": value}) from None
        return _in_bounds(parsed, value, today)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        raise ValueError(_("date « %(v)s » attendue au format jj/mm/aaaa") % {"v": value})
    day, month, year = (int(g) for g in match.groups())
    try:
        parsed = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("date « %(v)s » impossible") % {"v": value}) from None
    return _in_bounds(parsed, value, today)


def _in_bounds(day: datetime.date, value: str, today: datetime.date | None) -> datetime.date:
    today = today or timezone.localdate()
    latest = today.replace(year=today.year + LATEST_YEARS_AHEAD, day=min(today.day, 28))
    if not EARLIEST_DATE <= day <= latest:
        raise ValueError(
            _("date « %(v)s » hors des limites plausibles (%(a)s – %(b)s)")
            % {
                "v": value,
                "a": EARLIEST_DATE.strftime("%d/%m/%Y"),
                "b": latest.strftime("%d/%m/%Y"),
            }
        )
    return day


def _fold(text: str) -> str:
    """A name as accents, case and punctuation do not change it."""
    return _key(text)


@dataclass
class MemberData:
    first_name: str
    last_name: str
    birth_year: int | None
    relation: str

    @property
    def key(self) -> tuple[str, str, int | None]:
        return (self.first_name.lower(), self.last_name.lower(), self.birth_year)

    @property
    def folded(self) -> tuple[str, str, int | None]:
        return (_fold(self.first_name), _fold(self.last_name), self.birth_year)

    @property
    def label(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


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
    lines: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return reference_key(self.reference)

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.address, self.postal_code)

    @property
    def display_name(self) -> str:
        head = self.members[0]
        return f"{head.last_name} {head.first_name}".strip()

    def fields(self) -> tuple[Any, ...]:
        return (
            self.address,
            self.postal_code,
            self.commune,
            self.district,
            self.category,
            self.start_date,
            self.end_date,
            self.accompanied,
            self.public,
            self.language,
        )


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
    "update": gettext_lazy("à modifier"),
    "unchanged": gettext_lazy("inchangé"),
    "reject": gettext_lazy("rejeté"),
}


def _validate_row(
    row: dict[str, Any], labels: dict[str, str], today: datetime.date
) -> tuple[HouseholdData | None, MemberData | None, list[str]]:
    def name(column: str) -> str:
        return labels.get(column, column)

    errors = []
    for column in REQUIRED:
        if not row.get(column):
            errors.append(_("« %(col)s » est vide") % {"col": name(column)})
    for column, max_length in MAX_LENGTHS.items():
        value = row.get(column, "")
        if len(value) > max_length:
            errors.append(
                _("« %(col)s » dépasse %(max)s caractères (%(n)s)")
                % {"col": name(column), "max": max_length, "n": len(value)}
            )
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
                parsed = parse_date(row[column], today)
            except ValueError as exc:
                errors.append(f"{name(column)} : {exc}")
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
            if not 1900 <= birth_year <= today.year:
                raise ValueError
        except ValueError:
            errors.append(
                _("année de naissance « %(v)s » impossible") % {"v": row["annee_naissance"]}
            )
            birth_year = None
    accompanied = _key(row.get("accompagne", ""))
    if accompanied not in YES | NO:
        errors.append(_("« %(col)s » doit valoir oui ou non") % {"col": name("accompagne")})
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
