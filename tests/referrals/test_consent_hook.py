"""Consent withdrawal reaches referrals through a hook registered by apps.referrals:
individual accompaniment imports nothing above it, and the hook runs inside the
withdrawal's transaction (a failure there withdraws nothing)."""

from __future__ import annotations

import ast
import pathlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django_scopes import scopes_disabled

from apps.accompaniment import services
from apps.accompaniment.hooks import on_consent_withdrawn
from apps.accompaniment.models import Consent, FollowUp
from apps.referrals import services as referrals
from apps.referrals.models import Referral, ReferralStatus
from tests.referrals.factories import make_sent_referral, referral_setup

APPS = pathlib.Path(settings.BASE_DIR) / "apps"


@pytest.fixture
def user(world):
    return world.users["referent_a"]


def test_referrals_registers_its_withdrawal_hook():
    assert referrals.stop_sharing_on_withdrawal in on_consent_withdrawn.functions
    # Registering again (ready() run twice) does not stop the referrals twice.
    django_apps.get_app_config("referrals").ready()
    assert on_consent_withdrawn.functions.count(referrals.stop_sharing_on_withdrawal) == 1


def test_withdrawal_stops_referrals_in_the_same_transaction(world, user):
    """The hook sees the withdrawal uncommitted: it runs in its transaction."""
    setup = referral_setup(world.slsp_a, user)
    seen: list[bool] = []

    def spy(*, consent: Consent, user: object, on: object) -> None:
        seen.append(connection.in_atomic_block)
        with scopes_disabled():
            # The referral hook, registered first, has already closed the referral.
            assert Referral.objects.get(household=consent.household).status == "closed"

    on_consent_withdrawn.register(spy)
    try:
        with scopes_disabled():
            referral = make_sent_referral(setup, user)
            services.withdraw_consent(setup.consent, user=user)
            referral.refresh_from_db()
    finally:
        on_consent_withdrawn.unregister(spy)
    assert seen == [True]
    assert referral.status == ReferralStatus.CLOSED
    assert referral.sharing_stopped_at is not None


def test_a_failing_hook_rolls_the_whole_withdrawal_back(world, user):
    """A consent is never withdrawn while its referrals keep sharing: if anything in
    the hooks fails, the consent, its follow-ups and its referrals are unchanged."""
    setup = referral_setup(world.slsp_a, user)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("partner directory unavailable")

    on_consent_withdrawn.register(broken)
    try:
        with scopes_disabled():
            referral = make_sent_referral(setup, user)
            with pytest.raises(RuntimeError):
                services.withdraw_consent(setup.consent, user=user)
    finally:
        on_consent_withdrawn.unregister(broken)
    with scopes_disabled():
        assert Consent.objects.get(pk=setup.consent.pk).withdrawn_on is None
        assert FollowUp.objects.get(pk=setup.follow_up.pk).closed_on is None
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT
        assert referral.sharing_stopped_at is None
        assert referral.sharing


def _imported_modules(path: pathlib.Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("accompaniment", ("apps.referrals", "apps.collective")),
        ("collective", ("apps.referrals",)),
    ],
)
def test_lower_apps_import_nothing_above_them(app: str, forbidden: tuple[str, ...]):
    """The layers of DESIGN.md §3 (import-linter enforces them in CI; this keeps the
    split honest where it was made)."""
    offending = [
        f"{path.relative_to(APPS)}: {module}"
        for path in sorted((APPS / app).rglob("*.py"))
        for module in _imported_modules(path)
        if module.startswith(forbidden)
    ]
    assert offending == []
