"""Every URL of the project, requested by every persona, gets the status the rules give.

The list of URLs comes from the resolver, not from this file: a new view without a
classification in a `cases_<app>.py` module makes `test_every_url_is_classified` fail,
and a view that answers an anonymous request without being listed in PUBLIC_VIEWS makes
`test_anonymous_requests_go_to_login` fail, so no view is public by accident.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.conftest import PERSONAS
from tests.isolation import cases as cases_module
from tests.isolation.cases import LOGIN

# The Django admin is classified as a whole (see test_admin_* below).
WHOLE_NAMESPACES = {"admin"}


def iter_url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            if full in WHOLE_NAMESPACES:
                continue
            yield from iter_url_names(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def load_cases():
    registry = {}
    package = importlib.import_module("tests.isolation")
    for module_info in pkgutil.iter_modules(package.__path__):
        if not module_info.name.startswith("cases_"):
            continue
        module = importlib.import_module(f"tests.isolation.{module_info.name}")
        for case in module.CASES:
            assert case.name not in registry, f"{case.name} classified twice"
            registry[case.name] = case
    return registry


CASES = load_cases()

# The only views that answer without a signed-in user (LoginRequiredMiddleware lets
# through views marked @login_not_required). Making a view public is a security
# decision: mark it AND list it here, with what it shows.
PUBLIC_VIEWS = {
    "core:health": "readiness probe, component statuses only",
    "core:liveness": "liveness probe, no data",
    "accounts:login": "sign-in form",
    "accounts:login_otp": "second step of sign-in (a pending password step in the session)",
    "accounts:login_enrol": "second-factor enrolment during sign-in (same)",
    "accounts:logout": "ending an already expired session lands on the login page",
    "accounts:password_reset": "asks for an e-mail address, same answer in every case",
    "accounts:password_reset_done": "static text",
    "accounts:password_reset_confirm": "needs the e-mailed token",
    "accounts:password_reset_complete": "static text",
    "accounts:invitation": "invited person without a password: signed, expiring, single-use",
    "set_language": "language switch, offered on the login page",
    "admin:login": "sends to our sign-in page (password, then second factor)",
    "referrals:referral_link": "partner without account: signed, expiring, single-use token",
    "accompaniment:calendar_feed": (
        "a person's own appointments for their calendar app: random secret token stored"
        " hashed, revocable; households by reference only, never a name"
    ),
    "api:openapi-view": "API documentation (Swagger UI from our static files), no data",
    "api:openapi-json": "OpenAPI schema of the API, no data",
    # Authenticated by bearer token, not by session: 401 without a valid token.
    "api:imports": "API, bearer token with the import scope",
    "api:import": "API, bearer token with the import scope",
    "api:import_apply": "API, bearer token with the import scope",
    "api:referrals": "API, bearer token with the referrals:read scope",
    "api:regional": "API, bearer token of the SWL with the regional:read scope",
}


def iter_url_patterns(patterns=None, namespace=None) -> Iterator[tuple[str, URLPattern]]:
    """Every named URL pattern with its full name, the admin's included."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_url_patterns(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def any_kwargs(pattern: URLPattern) -> dict[str, Any]:
    """Plausible arguments for a pattern: the middleware answers before any lookup."""
    if isinstance(pattern.pattern, RoutePattern):
        kwargs: dict[str, Any] = {}
        for key, converter in pattern.pattern.converters.items():
            if isinstance(converter, UUIDConverter):
                kwargs[key] = uuid.uuid4()
            elif isinstance(converter, IntConverter):
                kwargs[key] = 1
            else:
                kwargs[key] = "x"
        return kwargs
    assert isinstance(pattern.pattern, RegexPattern)
    # `(?P<app_label>accounts|slsps|...)`: the first alternative.
    return {
        key: re.split(r"[|)]", source, maxsplit=1)[0]
        for key, source in re.findall(r"\(\?P<(\w+)>([^)]*\))", pattern.pattern._regex)
    }


def is_public(pattern: URLPattern) -> bool:
    return getattr(pattern.callback, "login_required", True) is False


def test_public_views_are_the_listed_ones():
    public = {name for name, pattern in iter_url_patterns() if is_public(pattern)}
    assert public == set(PUBLIC_VIEWS), (
        f"public but not listed: {sorted(public - set(PUBLIC_VIEWS))}; "
        f"listed but not public: {sorted(set(PUBLIC_VIEWS) - public)}"
    )


def test_cases_send_anonymous_users_to_login_on_every_private_view():
    patterns = dict(iter_url_patterns())
    wrong = sorted(
        name
        for name, case in CASES.items()
        if not is_public(patterns[name]) and case.expect["anonymous"] != LOGIN
    )
    assert not wrong, f"private views whose case lets anonymous users in: {wrong}"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_go_to_login(method):
    """Every view not marked public redirects an anonymous request to its login page."""
    # A crash counts as an answer too: list it rather than stop at the first one.
    client = Client(raise_request_exception=False)
    answered = []
    for name, pattern in iter_url_patterns():
        if is_public(pattern):
            continue
        url = reverse(name, kwargs=any_kwargs(pattern))
        response = getattr(client, method)(url)
        login = resolve_url(getattr(pattern.callback, "login_url", None) or settings.LOGIN_URL)
        if response.status_code != 302 or not response["Location"].startswith(f"{login}?next="):
            answered.append(f"{method.upper()} {name} ({url}): {response.status_code}")
    assert not answered, "views answering anonymous requests:\n" + "\n".join(answered)


def test_every_url_is_classified():
    names = set(iter_url_names())
    unclassified = sorted(names - set(CASES))
    stale = sorted(set(CASES) - names)
    assert not unclassified, f"URLs with no isolation case: {unclassified}"
    assert not stale, f"Isolation cases for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_url_access(name, persona, world):
    case = CASES[name]
    setup = getattr(cases_module, "SETUP", None)
    if setup:
        setup(world)
    url = reverse(name, kwargs=case.kwargs(world)) + case.query
    client = world.client_for(persona)
    response = getattr(client, case.method)(url, data=case.data(world))
    expected = case.expect[persona]
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {persona}: {response.status_code}"
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{name} as {persona}: got {response.status_code}, expected {expected}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_index(persona, world):
    response = world.client_for(persona).get(reverse("admin:index"))
    if persona == "admin":
        assert response.status_code == 200
    else:
        # Non-staff users are sent to the admin's own login page.
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_admin_changelists_and_forms_open_for_admin(world):
    """Every model registered in the admin lists and opens (scopes disabled there only)."""
    from django.contrib import admin

    client = world.client_for("admin")
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        instance = (
            model._default_manager.with_scopes_disabled().first()
            if hasattr(model._default_manager, "with_scopes_disabled")
            else model._default_manager.first()
        )
        if instance is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
            assert client.get(change).status_code == 200, change
