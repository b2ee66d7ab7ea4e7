"""Every API endpoint requested with every token persona gets the status that
tests/isolation/cases_api.py TOKEN_CASES gives: generated from the URL list, so a new
endpoint without a classification fails here."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.api import services
from apps.api.models import ApiToken
from tests.api.conftest import make_token
from tests.isolation.cases_api import TOKEN_CASES, TOKEN_PERSONAS, _import_job
from tests.isolation.test_harness import iter_url_patterns

pytestmark = pytest.mark.django_db
DOCS = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def test_every_api_endpoint_is_classified_for_tokens():
    endpoints = {name for name, _p in iter_url_patterns() if name.startswith("api:")} - DOCS
    assert endpoints == set(TOKEN_CASES)
    for name, (_method, _job, statuses) in TOKEN_CASES.items():
        assert set(statuses) == set(TOKEN_PERSONAS), name


@pytest.mark.parametrize("persona", TOKEN_PERSONAS)
@pytest.mark.parametrize("name", sorted(TOKEN_CASES))
def test_token_access(tokens, world, name, persona):
    from apps.api.models import ApiScope

    expired, tokens.texts["expired_a"] = make_token(world.slsp_a, [*ApiScope], "Expiré A")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, tokens.texts["revoked_a"] = make_token(
        world.slsp_a, [ApiScope.IMPORT, ApiScope.REFERRALS_READ], "Révoqué A"
    )
    services.revoke_token(revoked)
    method, needs_job, statuses = TOKEN_CASES[name]
    kwargs = {"uuid": _import_job(world).uuid} if needs_job else {}
    client = tokens.client(None if persona == "none" else persona)
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == statuses[persona], (name, persona, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
