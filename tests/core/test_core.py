import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_database_is_real_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL ")


def test_cache_is_real_redis():
    import redis
    from django.core.cache import cache

    cache.set("probe", "ok", 10)
    assert cache.get("probe") == "ok"
    info = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"]).info("server")
    assert info["redis_version"]


def test_health_reports_database_and_redis(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == body["cache"] == body["broker"] == "ok"
    assert body["worker"] in {"ok", "absent"}
    # The probe reveals nothing but statuses.
    assert set(body) == {"database", "cache", "broker", "worker"}


def test_pages_with_personal_data_are_never_cached(client_for, world):
    response = client_for("referent_a").get(reverse("core:home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_strict_csp_and_security_headers(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_hold_no_inline_script_or_style(client_for, world):
    for persona in ("referent_a", "coordinateur"):
        html = client_for(persona).get(reverse("core:home")).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_static_assets_are_local_files(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_german_catalog_is_available(client_for, world):
    client = client_for("referent_a")
    client.post(reverse("set_language"), {"language": "de"})
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="de"' in html
    assert "Abmelden" in html


def test_check_deploy_passes_with_production_settings(tmp_path):
    """`check --deploy --fail-level WARNING` is clean with the documented production variables."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "slsp_referent.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "referent.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://referent.example.org",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from urllib.parse import quote

    return f"postgres://{db['USER']}@{quote(db['HOST'], safe='')}:{db['PORT']}/{db['NAME']}"
