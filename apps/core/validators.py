"""Sane values everywhere: one rule for every date people type, and limits that hold.

Dates. Nothing before 1900 (no tenant, agreement or moment of this network is older),
and how far ahead a date may go depends on what it means:

- `PAST`: something that happened (a moment logged, a consent given, a session held):
  not after today.
- `BIRTH`: a date of birth: not after today.
- `PLANNED`: something planned (an appointment, a network event, a call's deadline, a
  relocation): at most `PLANNED_YEARS` ahead.
- `TERM`: the end or the span of an engagement (an agreement, a consent's expiry, an
  action's period): at most `TERM_YEARS` ahead.

A moment has one more bound, from its household: `moment_date_error` (not before the
household's first tenancy; not in the future unless it is planned).

Limits. A limit set on a form field after it was built (`field.max_length = 5000`) is
only a number: Django adds the validator when the field is built. `limit` sets the
number, the validator and the browser's attribute together.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
PLANNED_YEARS = 5
TERM_YEARS = 30


class DateMeaning(enum.Enum):
    PAST = "past"
    BIRTH = "birth"
    PLANNED = "planned"
    TERM = "term"


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def date_bounds(
    meaning: DateMeaning, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest acceptable day for a date of this meaning."""
    today = today or timezone.localdate()
    if meaning in (DateMeaning.PAST, DateMeaning.BIRTH):
        return EARLIEST, today
    years = PLANNED_YEARS if meaning is DateMeaning.PLANNED else TERM_YEARS
    return EARLIEST, _years_after(today, years)


def _fr(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


@deconstructible
class DateRule:
    """Validator of a date (or date-time) field by meaning (see the module docstring)."""

    def __init__(self, meaning: DateMeaning) -> None:
        self.meaning = meaning

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        earliest, latest = date_bounds(self.meaning)
        if day < earliest:
            raise ValidationError(
                _("Date impossible : indiquez une date à partir du %(earliest)s."),
                code="date_too_old",
                params={"earliest": _fr(earliest)},
            )
        if day > latest:
            if self.meaning is DateMeaning.BIRTH:
                message = _("Une date de naissance ne peut pas être dans le futur.")
            elif self.meaning is DateMeaning.PAST:
                message = _(
                    "Cette date est dans le futur : indiquez une date passée ou d'aujourd'hui."
                )
            else:
                message = _("Date trop lointaine : au plus tard le %(latest)s.")
            raise ValidationError(message, code="date_too_far", params={"latest": _fr(latest)})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRule) and other.meaning is self.meaning

    def __hash__(self) -> int:
        return hash(self.meaning)


def date_rule(meaning: DateMeaning) -> list[DateRule]:
    """`validators=date_rule(DateMeaning.PAST)` on a form or model date field."""
    return [DateRule(meaning)]


def apply_date_rule(field: forms.Field, meaning: DateMeaning) -> None:
    """The rule on a field built elsewhere (a ModelForm's), with the browser's bounds."""
    field.validators = [v for v in field.validators if not isinstance(v, DateRule)]
    field.validators.append(DateRule(meaning))
    earliest, latest = date_bounds(meaning)
    if isinstance(field, forms.DateField):
        field.widget.attrs.setdefault("min", earliest.isoformat())
        field.widget.attrs.setdefault("max", latest.isoformat())


def moment_date_error(
    day: datetime.date, *, first_tenancy: datetime.date | None, planned: bool = False
) -> str | None:
    """Why a moment of a household cannot be dated `day`, or None."""
    try:
        DateRule(DateMeaning.PLANNED if planned else DateMeaning.PAST)(day)
    except ValidationError as error:
        return str(error.messages[0])
    if first_tenancy is not None and day < first_tenancy:
        return str(
            _(
                "Ce ménage n'est locataire que depuis le %(start)s : "
                "le moment ne peut pas être antérieur."
            )
            % {"start": _fr(first_tenancy)}
        )
    return None


def limit(
    field: forms.Field,
    *,
    max_length: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
) -> None:
    """Set a limit on a built form field so that it is enforced, not only announced."""
    if max_length is not None:
        field.max_length = max_length  # type: ignore[attr-defined]
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(MaxLengthValidator(max_length))
        field.widget.attrs["maxlength"] = str(max_length)
    if min_value is not None:
        field.min_value = min_value  # type: ignore[attr-defined]
        field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator)]
        field.validators.append(MinValueValidator(min_value))
        field.widget.attrs["min"] = str(min_value)
    if max_value is not None:
        field.max_value = max_value  # type: ignore[attr-defined]
        field.validators = [v for v in field.validators if not isinstance(v, MaxValueValidator)]
        field.validators.append(MaxValueValidator(max_value))
        field.widget.attrs["max"] = str(max_value)
