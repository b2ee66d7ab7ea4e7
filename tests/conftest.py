"""Shared fixtures: two SLSPs and one person per role, on the real PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client
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
    return World(slsp_a=slsp_a, slsp_b=slsp_b, users=users)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(world):
    return world.client_for


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
