"""Throttling per token (Redis), the public docs page with its assets served from our own
server, and the OpenAPI schema."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_requests_over_the_rate_get_429_in_french_per_token(tokens, settings):
    settings.API_THROTTLE_RATE = "3/min"
    api = tokens.client("slsp_a")
    assert [api.get("/api/v1/referrals/").status_code for _ in range(3)] == [200] * 3
    refused = api.get("/api/v1/referrals/")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Trop de requêtes : réessayez dans")
    assert 1 <= int(refused["Retry-After"]) <= 61
    # Another token of the same SLSP has its own window.
    assert tokens.client("referrals_only_a").get("/api/v1/referrals/").status_code == 200


def test_the_schema_lists_every_endpoint_and_the_bearer_scheme(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/imports/",
        "/api/v1/imports/{uuid}/",
        "/api/v1/imports/{uuid}/apply/",
        "/api/v1/referrals/",
        "/api/v1/regional/",
    }
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    referral = schema["components"]["schemas"]["ReferralOut"]["properties"]
    assert "reason" not in referral and "household" not in str(referral)


def test_the_docs_page_loads_its_assets_from_our_own_server(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # No address of another site in the page, and no inline script (strict CSP holds).
    assert not re.search(r"(https?:)?//", html), re.findall(r"\S*//\S*", html)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('src="/static/' in s for s in scripts)
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert {
        "ninja/swagger-ui-bundle.js",
        "ninja/swagger-ui-init.js",
        "ninja/swagger-ui.css",
    } <= set(assets)
    for asset in assets:
        assert finders.find(asset), asset
    # The online validator is switched off: Swagger UI calls no other site.
    assert "&quot;validatorUrl&quot;: null" in html
