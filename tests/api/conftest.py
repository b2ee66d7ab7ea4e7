"""Service accounts and tokens for the API tests: SLSP A (every SLSP scope), SLSP B, the
SWL (regional only), and SLSP A with the referrals scope only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from apps.api import services
from apps.api.models import ApiScope, ApiToken, ServiceAccount


@dataclass
class Tokens:
    texts: dict[str, str]
    tokens: dict[str, ApiToken]

    def client(self, name: str | None) -> Client:
        if name is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {self.texts[name]}"})


def make_token(slsp: object, scopes: list[str], name: str) -> tuple[ApiToken, str]:
    account = ServiceAccount.objects.create(name=name, slsp=slsp, scopes=scopes)
    return services.create_token(account, created_by=None)


@pytest.fixture
def tokens(world) -> Tokens:
    # Each test starts with fresh throttle windows (tokens are new, but keys by pk repeat).
    cache.clear()
    specs = {
        "slsp_a": (world.slsp_a, [ApiScope.IMPORT, ApiScope.REFERRALS_READ]),
        "slsp_b": (world.slsp_b, [ApiScope.IMPORT, ApiScope.REFERRALS_READ]),
        "swl": (None, [ApiScope.REGIONAL_READ]),
        "referrals_only_a": (world.slsp_a, [ApiScope.REFERRALS_READ]),
    }
    texts, objects = {}, {}
    for name, (slsp, scopes) in specs.items():
        objects[name], texts[name] = make_token(slsp, scopes, f"Outil {name}")
    return Tokens(texts, objects)
