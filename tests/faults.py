"""The private fault stack: PRIVATE PostgreSQL and Redis in a temporary directory, and live
app/worker processes on them.

Fault tests stop and start these servers; the shared ones under var/ are never touched.
The fixtures are registered once, in tests/conftest.py, so the stack (a migrated database)
is built once per session for every module that uses it; those tests share one xdist group
so that only one xdist worker builds it.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from slsp_referent.embedded import EmbeddedPostgres, EmbeddedRedis

PRIVATE_DB = "slsp_private"
PRIVATE_PASSWORD = "mot-de-passe-prive-123"


@dataclass
class PrivateStack:
    root: Path
    pg: EmbeddedPostgres
    redis: EmbeddedRedis
    # Read once at start: asking the servers again would restart a stopped one.
    database_url: str = ""
    redis_url: str = ""
    db_host: str = ""
    slsp_uuid: str = ""

    def __post_init__(self):
        db = self.pg.settings()
        self.db_host = db["HOST"]
        self.database_url = self.pg.url()
        self.redis_url = self.redis.url()

    def env(self, **extra) -> dict:
        # Not the xdist worker's: the private Redis's database 0, the private database.
        hidden = {"SLSP_WORKER_DB_NAME", "PYTEST_XDIST_WORKER"}
        env = {k: v for k, v in os.environ.items() if k not in hidden}
        env.update(
            DJANGO_SETTINGS_MODULE="slsp_referent.settings.test",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SLSP_TEST_REDIS_DB="0",
            BACKGROUND_STATUS_TTL="0",
            LOG_LEVEL="WARNING",
        )
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def manage(self, *args: str, **extra) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def sql(self, query: str, params=()):
        import psycopg

        with psycopg.connect(
            host=self.db_host, port=5432, user="postgres", dbname=PRIVATE_DB, autocommit=True
        ) as conn:
            return conn.execute(query, params).fetchall()


SEED = f"""
from django_scopes import scopes_disabled
from apps.accounts.models import Membership, Role, User
from apps.slsps.models import Slsp
from tests.slsps.factories import SlspFactory
with scopes_disabled():
    slsp = SlspFactory(official_name="SLSP privée de test")
    user = User.objects.create_user("prive@example.org", "{PRIVATE_PASSWORD}")
    Membership.objects.create(user=user, role=Role.REFERENT, slsp=slsp)
    print(slsp.uuid)
"""


def _restore_schema(stack: PrivateStack, request: pytest.FixtureRequest) -> None:
    """The session's migrated template (tests/dbtemplate.py), restored: the same schema as
    `migrate` makes, without rendering the migrations a third time. One process (no xdist,
    so no template): migrate."""
    if not hasattr(request.config, "workerinput"):
        stack.manage("migrate", "-v0")
        return
    from slsp_referent.embedded import pg_bin
    from tests.dbtemplate import dump_template

    dump = stack.root / "schema.dump"
    dump_template(dump)
    subprocess.run(
        [pg_bin("pg_restore"), "-h", stack.db_host, "-p", "5432", "-U", "postgres",
         "--no-password", "--no-owner", "--exit-on-error", "--dbname", PRIVATE_DB, str(dump)],
        check=True,
        timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="session")
def private_stack(request, django_db_setup):
    root = Path(tempfile.mkdtemp(prefix="slsp-private-"))
    stack = PrivateStack(
        root=root, pg=EmbeddedPostgres(root / "pg", PRIVATE_DB), redis=EmbeddedRedis(root / "redis")
    )
    try:
        _restore_schema(stack, request)
        stack.slsp_uuid = stack.manage("shell", "-c", SEED).strip().splitlines()[-1]
        yield stack
    finally:
        stack.redis.stop()
        stack.pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A tiny cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (loopback)
        try:
            with self.opener.open(req, timeout=20) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def login(self, email: str, password: str) -> int:
        _, html, _ = self.request("/comptes/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, _, _ = self.request(
            "/comptes/connexion/",
            {"csrfmiddlewaretoken": token, "username": email, "password": password},
        )
        return status


@pytest.fixture
def live_app(private_stack):
    """gunicorn, one sync worker: one process keeps its database connection between
    requests, as in production."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "slsp_referent.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=private_stack.env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/comptes/connexion/", timeout=2)  # noqa: S310
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the app did not start") from None
            time.sleep(0.2)
    proc.base = base
    yield proc
    stop_group(proc)


def stop_group(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
