"""The one semester type: bounds, neighbours, text form; and no second definition."""

import datetime
import pathlib
import re

import pytest

from apps.core.periods import Semester


def test_bounds_and_neighbours():
    s1, s2 = Semester(2025, 1), Semester(2025, 2)
    assert s1.bounds == (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    assert s2.bounds == (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))
    assert s1.previous() == Semester(2024, 2) and s2.previous() == s1
    assert s2.next() == Semester(2026, 1) and s1.next() == s2
    assert s2.same_last_year() == Semester(2024, 2)
    assert Semester.of(datetime.date(2026, 6, 30)) == Semester(2026, 1)
    assert Semester.of(datetime.date(2026, 7, 1)) == Semester(2026, 2)
    assert Semester.last_ended(datetime.date(2026, 7, 1)) == Semester(2026, 1)
    assert Semester.last_ended(datetime.date(2026, 1, 1)) == Semester(2025, 2)
    assert s1 < s2 < Semester(2026, 1)
    with pytest.raises(ValueError):
        Semester(2025, 3)


def test_text_form_round_trips():
    assert str(Semester(2026, 1)) == "2026-S1"
    assert Semester.parse("2026-S2") == Semester(2026, 2)
    for bad in ("2026-S3", "2026S1", "S1-2026", ""):
        with pytest.raises(ValueError):
            Semester.parse(bad)


def test_datetime_bounds_cover_the_last_day(settings):
    s = Semester(2026, 1)
    assert s.start_datetime().date() == s.start
    assert s.end_datetime().date() == datetime.date(2026, 7, 1)


def test_no_second_definition_of_a_semester():
    """Semester bounds are computed in apps/core/periods.py only."""
    root = pathlib.Path(__file__).resolve().parents[2] / "apps"
    pattern = re.compile(r"def (semester_(start|bounds|of)|previous_semester)\b|month <= 6")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "periods.py" and pattern.search(path.read_text())
    ]
    assert offenders == []
