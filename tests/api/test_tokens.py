"""Token lifecycle: only a salted hash is stored, expiry and revocation answer 401 in
French, the admin and the management command create and revoke tokens."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.api import services
from apps.api.models import ApiScope, ApiToken, ServiceAccount
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


def _stored_text() -> str:
    """Every column of every token row, as PostgreSQL holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        return repr(cursor.fetchall())


def test_only_a_salted_hash_of_the_secret_is_stored(world):
    token, text = make_token(world.slsp_a, [ApiScope.REFERRALS_READ], "Outil A")
    secret = text.split("_", 2)[2]
    assert text.startswith(f"slsp_{token.prefix}_") and len(secret) >= 40
    assert secret not in _stored_text()
    assert token.secret_hash.startswith("sha256$")
    # The same secret under another token gets another hash (salted).
    other, _text = make_token(world.slsp_a, [ApiScope.REFERRALS_READ], "Outil A2")
    assert services._hash(secret, "a" * 32) != services._hash(secret, "b" * 32)
    assert other.secret_hash != token.secret_hash
    assert services.authenticate(text).pk == token.pk


def test_a_wrong_secret_with_a_real_prefix_is_refused(tokens):
    token = tokens.tokens["slsp_a"]
    response = tokens.client(None).get(
        URL, headers={"Authorization": f"Bearer slsp_{token.prefix}_{'x' * 43}"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton d'API invalide."}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [None, "Bearer", "Basic abc", "Bearer nimportequoi"])
def test_no_or_malformed_token_gets_401_in_french(tokens, header):
    headers = {"Authorization": header} if header else {}
    response = tokens.client(None).get(URL, headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] in {
        "Authentification requise : en-tête « Authorization: Bearer <jeton> ».",
        "Jeton d'API invalide.",
    }


def test_an_expired_token_gets_401(tokens):
    token = tokens.tokens["slsp_a"]
    assert tokens.client("slsp_a").get(URL).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = tokens.client("slsp_a").get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Ce jeton d'API a expiré."}


def test_a_revoked_token_gets_401_at_once(tokens):
    assert tokens.client("slsp_a").get(URL).status_code == 200
    services.revoke_token(tokens.tokens["slsp_a"])
    response = tokens.client("slsp_a").get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Ce jeton d'API a été révoqué."}


def test_a_deactivated_account_gets_401(tokens):
    ServiceAccount.objects.filter(pk=tokens.tokens["slsp_a"].account_id).update(is_active=False)
    response = tokens.client("slsp_a").get(URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Ce compte de service est désactivé."}


def test_last_use_is_recorded_at_most_once_a_minute(tokens, django_assert_num_queries):
    token = tokens.tokens["slsp_a"]
    services.authenticate(tokens.texts["slsp_a"])
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only, no UPDATE
        services.authenticate(tokens.texts["slsp_a"])
    token.refresh_from_db()
    assert token.last_used_at == first


def test_account_scopes_must_match_its_kind(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="SWL"):
        ServiceAccount(name="x", slsp=None, scopes=[ApiScope.IMPORT]).full_clean()
    with pytest.raises(ValidationError, match="réservé aux comptes de la SWL"):
        ServiceAccount(name="y", slsp=world.slsp_a, scopes=[ApiScope.REGIONAL_READ]).full_clean()
    with pytest.raises(ValidationError, match="au moins une portée"):
        ServiceAccount(name="z", slsp=world.slsp_a, scopes=[]).full_clean()


def test_management_command_creates_lists_and_revokes(world):
    out = io.StringIO()
    call_command(
        "api_token",
        "create",
        "--name",
        "Logiciel locatif A",
        "--slsp",
        world.slsp_a.official_name,
        "--scope",
        "import",
        "--scope",
        "referrals:read",
        "--days",
        "30",
        stdout=out,
    )
    text = out.getvalue().strip().splitlines()[-1]
    token = services.authenticate(text)
    assert token.account.slsp_id == world.slsp_a.pk
    assert set(token.account.scopes) == {"import", "referrals:read"}
    assert token.expires_at - timezone.now() < datetime.timedelta(days=30, minutes=1)
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and text not in listing.getvalue()
    call_command("api_token", "revoke", token.prefix, stdout=io.StringIO())
    with pytest.raises(services.TokenRefused):
        services.authenticate(text)


def test_management_command_refuses_an_swl_account_with_an_slsp_scope(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SWL"):
        call_command(
            "api_token", "create", "--name", "SWL", "--scope", "import", stdout=io.StringIO()
        )
    assert not ServiceAccount.objects.exists()


def test_admin_shows_the_secret_once_and_stores_only_its_hash(world, client_for):
    account = ServiceAccount.objects.create(
        name="Outil A", slsp=world.slsp_a, scopes=[ApiScope.IMPORT]
    )
    admin = client_for("admin")
    expires = timezone.localtime() + datetime.timedelta(days=10)
    response = admin.post(
        reverse("admin:api_apitoken_add"),
        {
            "account": account.pk,
            "expires_at_0": expires.strftime("%d/%m/%Y"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    token = ApiToken.objects.get(account=account)
    page = response.content.decode()
    text = page.split("<code>")[1].split("</code>")[0]
    assert services.authenticate(text).pk == token.pk
    assert token.created_by == world.users["admin"]
    assert "ne sera plus jamais affiché" in page
    assert "no-store" in response["Cache-Control"]
    # Never shown again: not on the token's page nor in the list.
    change = admin.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    listing = admin.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert text.split("_", 2)[2] not in change + listing
    # Revoked through the admin action; never deleted.
    admin.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert admin.get(reverse("admin:api_apitoken_delete", args=[token.pk])).status_code == 403
