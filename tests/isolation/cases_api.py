"""URL classification of the API.

The endpoints authenticate by bearer token only: a signed-in session is no credential
there, so every persona (anonymous included) gets 401. The docs and the OpenAPI schema
are public (they describe no data). TOKEN_CASES gives, per endpoint, the status each
token persona gets (tests/api/test_token_isolation.py requests them all).
"""

from django_scopes import scopes_disabled

from tests.isolation.cases import UrlCase, everyone, expect


def _import_job(w):
    from apps.tenants.models import ImportJob

    if "api_import_job" not in w.objects:
        with scopes_disabled(), open("fixtures/export-gestion-locative.csv", "rb") as handle:
            w.objects["api_import_job"] = ImportJob.objects.create(
                slsp=w.slsp_a,
                created_by=w.users["referent_a"],
                filename="x.csv",
                data=handle.read(),
            )
    return w.objects["api_import_job"]


def _job_kwargs(w):
    return {"uuid": _import_job(w).uuid}


CASES = [
    UrlCase("api:openapi-json", everyone(200)),
    UrlCase("api:openapi-view", everyone(200)),
    # Ninja's root (a 404 naming the docs) stays behind the sign-in like any private view.
    UrlCase("api:api-root", expect(ok=())),
    UrlCase("api:imports", everyone(401), method="post"),
    UrlCase("api:import", everyone(401), kwargs=_job_kwargs),
    UrlCase("api:import_apply", everyone(401), kwargs=_job_kwargs, method="post"),
    UrlCase("api:referrals", everyone(401)),
    UrlCase("api:regional", everyone(401)),
]

# Token personas: SLSP A's tools (import + referrals), SLSP B's tools, the SWL's
# (regional), SLSP A's referrals-only token, and SLSP A's token once expired or revoked.
TOKEN_PERSONAS = ("slsp_a", "slsp_b", "swl", "referrals_only_a", "expired_a", "revoked_a", "none")
_REFUSED_TOKENS = {"expired_a": 401, "revoked_a": 401, "none": 401}

TOKEN_CASES = {
    # name: (method, needs the job of SLSP A, statuses per token persona)
    "api:imports": (
        "post",
        False,
        # 400: the token is accepted and the empty request refused as bad input.
        {"slsp_a": 400, "slsp_b": 400, "swl": 403, "referrals_only_a": 403, **_REFUSED_TOKENS},
    ),
    "api:import": (
        "get",
        True,
        {"slsp_a": 200, "slsp_b": 404, "swl": 403, "referrals_only_a": 403, **_REFUSED_TOKENS},
    ),
    "api:import_apply": (
        "post",
        True,
        {"slsp_a": 200, "slsp_b": 404, "swl": 403, "referrals_only_a": 403, **_REFUSED_TOKENS},
    ),
    "api:referrals": (
        "get",
        False,
        {"slsp_a": 200, "slsp_b": 200, "swl": 403, "referrals_only_a": 200, **_REFUSED_TOKENS},
    ),
    "api:regional": (
        "get",
        False,
        {"slsp_a": 403, "slsp_b": 403, "swl": 200, "referrals_only_a": 403, **_REFUSED_TOKENS},
    ),
}
