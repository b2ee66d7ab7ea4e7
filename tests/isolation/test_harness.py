"""Every URL of the project, requested by every persona, gets the status the rules give.

The list of URLs comes from the resolver, not from this file: a new view without a
classification in a `cases_<app>.py` module makes `test_every_url_is_classified` fail.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS, build_world
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


def test_every_url_is_classified():
    names = set(iter_url_names())
    unclassified = sorted(names - set(CASES))
    stale = sorted(set(CASES) - names)
    assert not unclassified, f"URLs with no isolation case: {unclassified}"
    assert not stale, f"Isolation cases for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_url_access(name, persona):
    case = CASES[name]
    world = build_world()
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
def test_admin_index(persona):
    world = build_world()
    response = world.client_for(persona).get(reverse("admin:index"))
    if persona == "admin":
        assert response.status_code == 200
    else:
        # Non-staff users are sent to the admin's own login page.
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_admin_changelists_and_forms_open_for_admin():
    """Every model registered in the admin lists and opens (scopes disabled there only)."""
    from django.contrib import admin

    world = build_world()
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
