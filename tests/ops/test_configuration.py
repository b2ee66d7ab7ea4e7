"""Configuration is documented: every variable the settings read is in .env.example, and
the compose stack (services, health checks, variables) matches docs/OPERATIONS.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
OPERATIONS = (ROOT / "docs" / "OPERATIONS.md").read_text()
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)


def settings_variables() -> set[str]:
    """Names passed to env(...), env.int(...), env.bool(...) etc. in the settings."""
    names: set[str] = set()
    for path in sorted((ROOT / "slsp_referent" / "settings").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            first = node.args[0]
            if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def documented_in_env_example(name: str) -> bool:
    return re.search(rf"^#?\s*{re.escape(name)}=", ENV_EXAMPLE, re.MULTILINE) is not None


def compose_variables() -> set[str]:
    lines = [ln for ln in COMPOSE_TEXT.splitlines() if not ln.lstrip().startswith("#")]
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", "\n".join(lines)))


def test_the_parser_finds_the_settings_variables():
    found = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "SESSION_COOKIE_AGE", "CACHE_URL"} <= found
    assert len(found) > 40


def test_every_settings_variable_is_in_env_example():
    missing = sorted(name for name in settings_variables() if not documented_in_env_example(name))
    assert missing == [], f"add to .env.example: {missing}"


def test_session_cookie_age_is_described_as_it_behaves():
    # The lifetime is enforced by SESSION_ABSOLUTE_LIFETIME; SESSION_COOKIE_AGE is only
    # raised to it, and the cookie dies with the browser anyway.
    line = next(ln for ln in ENV_EXAMPLE.splitlines() if "SESSION_COOKIE_AGE=" in ln)
    assert "absolute session lifetime" not in line
    assert documented_in_env_example("SESSION_ABSOLUTE_LIFETIME")


def test_compose_has_every_service_with_a_health_check():
    services = COMPOSE["services"]
    expected = {"proxy", "web", "worker", "beat", "db", "redis-broker", "redis-cache"}
    assert expected <= set(services)
    for name in expected:
        assert "healthcheck" in services[name], name
        assert services[name].get("restart") == "unless-stopped", name


def test_compose_puts_tls_in_front_and_only_the_proxy_is_published():
    services = COMPOSE["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert any(volume.startswith("caddy_data:") for volume in proxy["volumes"])
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    for name in ("web", "worker", "beat", "db", "redis-broker", "redis-cache"):
        assert "ports" not in services[name], f"{name} must not be published"
    web = services["web"]
    assert web["environment"]["BEHIND_PROXY"] == "1"
    assert "${WEB_CONCURRENCY" in web["environment"]["WEB_CONCURRENCY"]
    assert "--workers" not in web["command"]


def test_compose_separates_broker_and_cache_and_runs_one_beat():
    services = COMPOSE["services"]
    broker = " ".join(services["redis-broker"]["command"])
    cache = " ".join(services["redis-cache"]["command"])
    assert "--maxmemory-policy noeviction" in broker and "--appendonly yes" in broker
    assert "--maxmemory-policy allkeys-lru" in cache
    environment = services["worker"]["environment"]
    assert "redis-broker" in environment["CELERY_BROKER_URL"]
    assert "redis-cache" in environment["CACHE_URL"]
    assert "${CELERY_WORKER_CONCURRENCY" in " ".join(services["worker"]["command"])
    assert services["worker"]["command"][:3] == ["nice", "-n", "10"]
    assert "cpus" in services["worker"]
    beat = services["beat"]
    assert beat["command"][:3] == ["python", "-m", "apps.core.beat"]
    assert beat["deploy"]["replicas"] == 1


def test_env_file_decides_the_database_url():
    # A literal value in `environment` would override .env; an interpolation lets .env win.
    for name in ("web", "worker", "beat", "migrate"):
        url = COMPOSE["services"][name]["environment"]["DATABASE_URL"]
        assert url.startswith("${DATABASE_URL:-"), name


def test_every_compose_variable_is_documented():
    variables = compose_variables()
    assert {"DATABASE_URL", "SITE_DOMAIN", "WEB_CONCURRENCY"} <= variables
    missing_env = sorted(name for name in variables if not documented_in_env_example(name))
    missing_ops = sorted(name for name in variables if f"`{name}`" not in OPERATIONS)
    assert missing_env == [], f"add to .env.example: {missing_env}"
    assert missing_ops == [], f"add to docs/OPERATIONS.md: {missing_ops}"


def test_operations_guide_covers_the_topics():
    for heading in (
        "## Install",
        "## Upgrade",
        "## Backup and restore",
        "## Monitoring",
        "## Scaling out",
        "Sentry",
        "PgBouncer",
        "DB_DISABLE_SERVER_SIDE_CURSORS",
        "/sante/vivant/",
    ):
        assert heading in OPERATIONS, heading
    assert "SECURITY.md" in OPERATIONS


@pytest.mark.django_db
def test_probes_are_not_redirected_to_https(settings):
    """Compose's and the orchestrator's probes speak plain HTTP to gunicorn."""
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get(reverse("core:liveness")).status_code == 200
    assert client.get(reverse("core:health")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 301


@pytest.mark.django_db
def test_behind_the_proxy_https_is_recognised(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


def test_media_go_to_the_object_store_and_redis_roles_split_when_configured():
    """Settings loaded afresh (a child process) with a bucket and two Redis servers named:
    S3 storage with private, never-overwritten objects; cache and broker apart."""
    import json
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "slsp_referent.settings",
        "DEBUG": "1",
        # Unreachable on purpose: nothing is contacted while settings load.
        "DATABASE_URL": "postgres://x:y@127.0.0.1:1/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "CACHE_URL": "redis://127.0.0.1:2/0",
        "AWS_STORAGE_BUCKET_NAME": "slsp-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    }
    env.pop("REDIS_URL", None)
    probe = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(json.dumps([type(s).__name__, s.bucket_name, s.file_overwrite, s.default_acl,"
        " s.endpoint_url, settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL,"
        " settings.CELERY_RESULT_BACKEND]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "S3Storage",
        "slsp-media",
        False,
        None,
        "https://s3.example.org",
        "redis://127.0.0.1:2/0",
        "redis://127.0.0.1:1/0",
        "redis://127.0.0.1:1/0",
    ]
