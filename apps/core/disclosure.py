"""The one rule for small counts of people shown outside an SLSP (SWL pages, exports, API).

A count of 1 to 4 households or people could point at someone: it is shown as
`SUPPRESSED`. Every coordinator output asks here, so the threshold and the way a hidden
count reads are the same on the regional table, the network view, the PDFs and the API.
"""

from __future__ import annotations

from typing import TypeVar

SMALL_COUNT = 5
SUPPRESSED = "<5"

T = TypeVar("T")


def is_small(value: object) -> bool:
    """A count of people that must not be shown as such (1 to 4)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_COUNT


def suppress(value: T, about_people: bool = True) -> T | str:
    """The value as a coordinator may see it: `SUPPRESSED` for a small count of people."""
    if about_people and is_small(value):
        return SUPPRESSED
    return value
