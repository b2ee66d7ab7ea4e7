"""The one permission layer (apps.core.permissions) and the per-app rules modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import rules
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from apps.core.permissions import allowed, get_visible_or_404, permission_required, require
from apps.slsps.queries import slsps_for
from tests.accounts.factories import UserFactory

APPS_WITH_RULES = ("core", "slsps", "tenants", "partners", "calls", "reports", "privacy")


@permission_required("slsps.manage_network")
def _manage_page(request: HttpRequest) -> HttpResponse:
    """Wrapped view: answers only when the rule lets the user through."""
    return HttpResponse("ok")


def test_require_passes_own_slsp_and_refuses_another_with_404(world):
    referent = world.users["referent_a"]
    assert require(referent, "slsps.change_strategy", world.slsp_a) is None
    with pytest.raises(Http404):
        require(referent, "slsps.change_strategy", world.slsp_b)


def test_superuser_gets_no_bypass(world):
    """The technical administrator works in no SLSP: Django's superuser shortcut would
    say yes to every rule, the permission layer asks the rule itself."""
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert superuser.has_perm("slsps.change_strategy", world.slsp_a)  # Django's bypass
    assert not allowed(superuser, "slsps.change_strategy", world.slsp_a)
    with pytest.raises(Http404):
        require(superuser, "slsps.change_strategy", world.slsp_a)
    # A rule that names administrators still lets them in.
    assert allowed(superuser, "slsps.view_register")


def test_get_visible_or_404_loads_through_the_users_scope(world):
    referent_b = world.users["referent_b"]
    assert get_visible_or_404(slsps_for(referent_b), uuid=world.slsp_b.uuid) == world.slsp_b
    with pytest.raises(Http404):
        get_visible_or_404(slsps_for(referent_b), uuid=world.slsp_a.uuid)


def test_permission_required_refuses_with_404_and_keeps_the_view(world):
    factory = RequestFactory()
    request = factory.get("/")
    request.user = world.users["coordinateur"]
    assert _manage_page(request).status_code == 200
    request.user = world.users["referent_a"]
    with pytest.raises(Http404):
        _manage_page(request)
    assert _manage_page.__name__ == "_manage_page"


def test_permission_required_keeps_a_public_mark():
    from django.contrib.auth.decorators import login_not_required

    view = permission_required("core.view_home")(login_not_required(_manage_page))
    assert view.login_required is False


@pytest.mark.parametrize("app", APPS_WITH_RULES)
def test_each_app_declares_its_permissions_in_its_own_rules_module(app):
    """accounts/rules.py keeps the shared predicates; an app's perms live in that app."""
    source = Path(settings.BASE_DIR, "apps", app, "rules.py").read_text()
    declared = {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "add_perm"
        and isinstance(node.args[0], ast.Constant)
    }
    assert declared, f"apps/{app}/rules.py declares no permission"
    assert all(name.startswith(f"{app}.") for name in declared), declared
    assert all(rules.perm_exists(name) for name in declared)
    shared = Path(settings.BASE_DIR, "apps", "accounts", "rules.py").read_text()
    assert f'add_perm("{app}.' not in shared, f"{app} permissions left in accounts/rules.py"


def test_login_required_middleware_is_on(client, db):
    """Deny by default: a page with no decorator still sends anonymous users to login."""
    from django.contrib.auth.middleware import LoginRequiredMiddleware
    from django.utils.module_loading import import_string

    assert any(
        issubclass(import_string(path), LoginRequiredMiddleware) for path in settings.MIDDLEWARE
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
