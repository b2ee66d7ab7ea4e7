"""Shared fixtures: two SLSPs and one person per role, on the real PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from apps.accounts.models import Role
from tests.factories import ReferentPostFactory, SlspFactory, user_with_role

PERSONAS = (
    "referent_a",
    "referent_b",
    "accompagnateur_a",
    "direction_a",
    "coordinateur",
    "jury",
    "admin",
    "anonymous",
)


@dataclass
class World:
    slsp_a: object
    slsp_b: object
    users: dict
    objects: dict = field(default_factory=dict)

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


def build_world() -> World:
    with scopes_disabled():
        slsp_a = SlspFactory(official_name="SLSP A de test")
        slsp_b = SlspFactory(official_name="SLSP B de test")
        users = {
            "referent_a": user_with_role(Role.REFERENT, slsp_a, email="ref.a@example.org"),
            "referent_b": user_with_role(Role.REFERENT, slsp_b, email="ref.b@example.org"),
            "accompagnateur_a": user_with_role(Role.ACCOMPAGNATEUR, slsp_a),
            "direction_a": user_with_role(Role.DIRECTION, slsp_a),
            "coordinateur": user_with_role(Role.COORDINATEUR),
            "jury": user_with_role(Role.JURY),
            "admin": user_with_role(Role.ADMIN),
        }
        ReferentPostFactory(slsp=slsp_a, person=users["referent_a"])
        ReferentPostFactory(slsp=slsp_b, person=users["referent_b"])
        # Their roles need a second factor: enrolled, as in real life (browser sign-ins).
        for persona in ("coordinateur", "admin"):
            TOTPDevice.objects.create(user=users[persona], name="test", confirmed=True)
    return World(slsp_a=slsp_a, slsp_b=slsp_b, users=users)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(world):
    return world.client_for


def pass_second_factor(client: Client, user) -> None:
    """Mark the client's session as having given the one-time code, as django_otp.login
    does at sign-in, for a user whose role needs it (with their device, made if none)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from apps.accounts import otp

    if not otp.is_required_for(user):
        return
    device = otp.confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`force_login` skips the whole sign-in, password and second factor alike; the
    per-request check (SessionSecurityMiddleware) would otherwise send every coordinator
    and administrator test client to the code step. Tests of that check build their
    unverified sessions by granting the role after force_login."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_sessionfinish(session, exitstatus):
    # Stop the embedded servers only if this test session started them.
    import os

    from slsp_referent import embedded

    if not os.environ.get("SLSP_KEEP_EMBEDDED"):
        embedded.stop(only_started_here=True)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Start `celery worker` as a separate OS process on the test database and test broker."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    from slsp_referent.celery import app

    with django_db_blocker.unblock():
        db_name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "slsp_referent.settings.test",
        "SLSP_WORKER_DB_NAME": db_name,
    }
    name = f"test-worker-{os.getpid()}@%h"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "slsp_referent",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "-n",
            name,
            "-l",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the Celery worker did not start")
    yield proc
    # The whole process group: the pool's children hold database connections too.
    import signal

    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)


@pytest.fixture(autouse=True)
def _deliver_emails_in_process(request, monkeypatch):
    """Queued e-mails are delivered in the test's own process when its transaction
    commits, so `mail.outbox` shows them; tests marked `worker` use the real worker."""
    if request.node.get_closest_marker("worker"):
        return
    from apps.core import mail

    monkeypatch.setattr(mail, "_enqueue", mail.deliver)
