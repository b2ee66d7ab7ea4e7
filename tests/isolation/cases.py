"""Vocabulary of the isolation harness.

Every named URL of the project must have one `UrlCase` in a `cases_<app>.py`
module beside this file; the harness fails on any URL left unclassified.
An expectation maps each persona to the status its request must get:
an integer, or LOGIN for a redirect to the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import PERSONAS

LOGIN = "login"
STAFF_A = ("referent_a", "accompagnateur_a", "direction_a")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


def expect(ok=(), status=200, refused=404, anonymous=LOGIN, **overrides) -> dict:
    """`ok` personas get `status`, the others `refused`; anonymous users go to the login page."""
    result = {}
    for persona in PERSONAS:
        if persona == "anonymous":
            result[persona] = anonymous
        else:
            result[persona] = status if persona in ok else refused
    result.update(overrides)
    return result


def everyone(status=200) -> dict:
    return dict.fromkeys(PERSONAS, status)


@dataclass
class UrlCase:
    name: str
    expect: dict
    kwargs: Callable = field(default=lambda world: {})
    method: str = "get"
    data: Callable = field(default=lambda world: {})
    query: str = ""
    note: str = ""

    def __post_init__(self):
        missing = set(PERSONAS) - set(self.expect)
        assert not missing, f"{self.name}: no expectation for {sorted(missing)}"
