"""One disclosure rule for small counts of people, asked by every coordinator output."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from apps.core.disclosure import SMALL_COUNT, SUPPRESSED, is_small, suppress


def test_counts_of_one_to_four_people_are_hidden_and_nothing_else():
    assert [suppress(n) for n in range(7)] == [
        0,
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED,
        SUPPRESSED,
        5,
        6,
    ]
    assert suppress(3, about_people=False) == 3
    assert suppress(None) is None and suppress("—") == "—"
    # A boolean is not a count, a float is a rate.
    assert not is_small(True) and not is_small(2.5)
    assert SMALL_COUNT == 5


def test_no_app_defines_its_own_threshold_or_mark():
    """A second threshold or a second way to write a hidden count would let two outputs
    disagree; every app imports both from apps.core.disclosure."""
    offenders = []
    for source in (Path(settings.BASE_DIR) / "apps").rglob("*.py"):
        if source.name == "disclosure.py" or "migrations" in source.parts:
            continue
        text = source.read_text()
        if re.search(r"^\s*(SMALL_COUNT|SUPPRESSED)\s*=", text, re.M) or '"< 5"' in text:
            offenders.append(str(source))
    assert offenders == []
