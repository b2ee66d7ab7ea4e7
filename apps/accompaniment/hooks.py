"""Hooks through which the apps above accompaniment react to its writes.

Accompaniment imports no app above it (DESIGN.md §3): an app that must act when a
consent is withdrawn (referrals stop sharing) registers a function here from its
AppConfig.ready(). The functions run inside the withdrawal's transaction, so a failure
in any of them rolls the withdrawal back: a consent is never withdrawn while data keeps
being shared.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apps.accompaniment.models import Consent

WithdrawalHook = Callable[..., Any]


class Hook:
    """An ordered list of registered functions, each called with the same arguments."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[WithdrawalHook] = []

    def register(self, function: WithdrawalHook) -> WithdrawalHook:
        # ready() may run twice (tests, autoreload): register each function once.
        if function not in self._functions:
            self._functions.append(function)
        return function

    def unregister(self, function: WithdrawalHook) -> None:
        self._functions.remove(function)

    @property
    def functions(self) -> tuple[WithdrawalHook, ...]:
        return tuple(self._functions)

    def run(self, **kwargs: Any) -> None:
        for function in self._functions:
            function(**kwargs)

    def collect(self, **kwargs: Any) -> list[Any]:
        """Every function's answer (a list each), concatenated in registration order."""
        answers: list[Any] = []
        for function in self._functions:
            answers.extend(function(**kwargs))
        return answers


# Called as fn(consent=..., user=..., on=...) by services.withdraw_consent.
on_consent_withdrawn = Hook("on_consent_withdrawn")


# What a withdrawal would stop elsewhere, for the confirmation page, before anything
# is written. Called as fn(consent=..., on=..., partner_ids=..., consent_ends=...,
# closing_follow_up_ids=...) and returns a list of sentences; each app computes it
# with the same function its on_consent_withdrawn hook uses to act.
consent_withdrawal_effects = Hook("consent_withdrawal_effects")


def withdrawal_effects(
    consent: Consent,
    *,
    on: datetime.date,
    partner_ids: set[int],
    consent_ends: bool,
    closing_follow_up_ids: set[int],
) -> list[Any]:
    return consent_withdrawal_effects.collect(
        consent=consent,
        on=on,
        partner_ids=partner_ids,
        consent_ends=consent_ends,
        closing_follow_up_ids=closing_follow_up_ids,
    )


def run_consent_withdrawn(consent: Consent, *, user: Any, on: datetime.date) -> None:
    on_consent_withdrawn.run(consent=consent, user=user, on=on)
