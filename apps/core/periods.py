"""The reporting period of the programme: the semester (S1 = January-June, S2 = July-December).

One type for every app: the regional table, the semestrial and regional reports and the
figures each app publishes read their bounds here, so "this semester" cannot mean two
things in two places.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

_TEXT = re.compile(r"^(\d{4})-S([12])$")


@dataclass(frozen=True, order=True)
class Semester:
    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise ValueError("semester must be 1 or 2")

    @classmethod
    def of(cls, day: datetime.date) -> Semester:
        """The semester `day` falls in."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def current(cls, today: datetime.date | None = None) -> Semester:
        return cls.of(today or timezone.localdate())

    @classmethod
    def last_ended(cls, today: datetime.date | None = None) -> Semester:
        """The last semester that has ended on `today` (on 1 July: S1 of the same year)."""
        return cls.current(today).previous()

    @classmethod
    def parse(cls, text: str) -> Semester:
        """'2026-S1' -> Semester(2026, 1); ValueError otherwise."""
        match = _TEXT.match(text.strip())
        if not match:
            raise ValueError(f"not a semester: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        return (
            datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)
        )

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return self.start, self.end

    def start_datetime(self) -> datetime.datetime:
        """Local midnight of the first day, aware: a bound an index on a datetime can answer."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    def end_datetime(self) -> datetime.datetime:
        """Local midnight after the last day (exclusive bound)."""
        return self.next().start_datetime()

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Semester:
        return Semester(self.year, 1) if self.half == 2 else Semester(self.year - 1, 2)

    def next(self) -> Semester:
        return Semester(self.year, 2) if self.half == 1 else Semester(self.year + 1, 1)

    def same_last_year(self) -> Semester:
        return Semester(self.year - 1, self.half)

    def __str__(self) -> str:
        return f"{self.year}-S{self.half}"
