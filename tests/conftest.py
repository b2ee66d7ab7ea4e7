"""Shared fixtures: two SLSPs and one person per role, on the real PostgreSQL.

Speed (`make test` runs under pytest-xdist): the persona world is built once per worker and
kept in an outer transaction that every test's own transaction nests in and rolls back to;
the private fault stack is one session fixture (tests/faults.py) on one worker.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled
from hypothesis import settings as hypothesis_settings

from apps.accounts.models import Role
from tests import dbtemplate
from tests.accounts.factories import make_user
from tests.faults import live_app, private_stack  # noqa: F401 (fixtures, registered once here)
from tests.slsps.factories import ReferentPostFactory, SlspFactory

# CI runs the property tests on fixed examples: a red build is reproducible, never flaky.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# pytest-django's fixture, replaced: one migration per session (tests/dbtemplate.py).
django_db_setup = dbtemplate.django_db_setup

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
            "referent_a": make_user(Role.REFERENT, slsp_a, email="ref.a@example.org"),
            "referent_b": make_user(Role.REFERENT, slsp_b, email="ref.b@example.org"),
            "accompagnateur_a": make_user(Role.ACCOMPAGNATEUR, slsp_a),
            "direction_a": make_user(Role.DIRECTION, slsp_a),
            "coordinateur": make_user(Role.COORDINATEUR),
            "jury": make_user(Role.JURY),
            "admin": make_user(Role.ADMIN),
        }
        ReferentPostFactory(slsp=slsp_a, person=users["referent_a"])
        ReferentPostFactory(slsp=slsp_b, person=users["referent_b"])
        # Their roles need a second factor: enrolled, as in real life (browser sign-ins).
        for persona in ("coordinateur", "admin"):
            TOTPDevice.objects.create(user=users[persona], name="test", confirmed=True)
    return World(slsp_a=slsp_a, slsp_b=slsp_b, users=users)


class SharedWorld:
    """The world built once and held in an open outer transaction on the test database.

    pytest-django's per-test transaction nests inside it as a savepoint and is rolled back, so
    every test starts from exactly these rows. Tests that do not want the world, and
    transactional tests (live server, threads, worker), need a database without it: the outer
    transaction is rolled back before them, and the world rebuilt for the next test that wants
    it (tests are ordered so that this happens about once per worker).
    """

    def __init__(self, build=None) -> None:
        self.build = build or build_world
        self.atomic = None
        self.pristine = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self) -> None:
        from django.db import transaction

        atomic = transaction.atomic()
        # Like TestCase's own atomics: a durable block inside a test stays allowed.
        atomic._from_testcase = True
        atomic.__enter__()
        self.atomic = atomic
        try:
            self.pristine = self.build()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.atomic = None
        self.pristine = None

    def fresh_copy(self):
        """Python objects as they were when built: a test that changes `world.users[...]` in
        memory (its rows are rolled back anyway) leaves nothing for the next test."""
        return copy.deepcopy(self.pristine)


@dataclass
class SeededDemo:
    """`load_reference_data`, `seed_demo`, then `seed_demo` again, as `make run` twice: the
    count of every model (its default manager, no scope) after each seed, for idempotence."""

    first: dict[str, int]
    second: dict[str, int]
    media_root: Path

    def counts(self, *models) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The models' counts after the first seed, then after the second."""
        labels = [m._meta.label for m in models]
        return tuple(self.first[x] for x in labels), tuple(self.second[x] for x in labels)


def _model_counts() -> dict[str, int]:
    from django.apps import apps

    with scopes_disabled():
        return {
            m._meta.label: m._default_manager.count()
            for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy
        }


def build_seeded_demo(media_root: Path) -> SeededDemo:
    """The demo's files (agreements, receipts) go to `media_root`, which its tests read."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=media_root):
        call_command("load_reference_data")
        call_command("seed_demo")
        first = _model_counts()
        call_command("seed_demo")
        return SeededDemo(first=first, second=_model_counts(), media_root=media_root)


def _is_transactional(item: pytest.Item) -> bool:
    """The same decision as pytest-django's (a test that commits and flushes the database)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        kwargs = marker.kwargs
        if kwargs.get("transaction") or kwargs.get("reset_sequences"):
            return True
        if marker.args and marker.args[0]:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(fixtures)
    ) or (getattr(item, "cls", None) is not None and hasattr(item.cls, "_pre_setup"))


def _wants_shared_world(item: pytest.Item) -> bool:
    return "world" in getattr(item, "fixturenames", ()) and not _is_transactional(item)


def _wants_seeded_demo(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return "seeded_demo" in fixtures and "world" not in fixtures and not _is_transactional(item)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook; `-p no:xdist` runs without it
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than cores. Much of the suite waits rather than computes
    (fault tests sleep through Celery's visibility timeout, browser tests wait on Chromium,
    servers start in subprocesses); with one worker per core, a core idles meanwhile."""
    return len(os.sched_getaffinity(0)) + 1


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests that share the world run together, so it is built about once per worker;
    # pytest-django's stable sort (database tests, transactional, the rest) runs after this.
    # First of all hooks: xdist's reads the groups marked here.
    def uses_db(item: pytest.Item) -> bool:
        fixtures = getattr(item, "fixturenames", ())
        return item.get_closest_marker("django_db") is not None or "db" in fixtures

    def key(item: pytest.Item) -> float:
        if _is_transactional(item):
            return 2
        if _wants_shared_world(item):
            return 1
        if _wants_seeded_demo(item):
            return 0.5
        return 0 if uses_db(item) else 3

    items.sort(key=key)
    # Expensive session fixtures are started by one xdist worker only (--dist loadgroup).
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "private_stack" in fixtures:
            item.add_marker(pytest.mark.xdist_group("private-stack"))
        elif "seeded_demo" in fixtures:
            item.add_marker(pytest.mark.xdist_group("seeded-demo"))


@pytest.fixture(scope="session")
def _shared_world(django_db_setup: None, django_db_blocker) -> Iterator[SharedWorld]:
    shared = SharedWorld()
    yield shared
    with django_db_blocker.unblock():
        shared.close()


@pytest.fixture(scope="session")
def _shared_demo(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedWorld]:
    """The demo data (every app's seed, about 10 s) in the same kind of outer transaction:
    built once for the tests that read it, which one xdist worker runs one after another."""
    shared = SharedWorld(lambda: build_seeded_demo(tmp_path_factory.mktemp("demo-media")))
    yield shared
    with django_db_blocker.unblock():
        shared.close()


@pytest.fixture
def _shared_world_for_test(
    request: pytest.FixtureRequest, _shared_world, _shared_demo, django_db_blocker
):
    """Open or close the outer transactions before pytest-django opens the test's own; at
    most one is open (the world or the demo)."""
    wanted = None
    if _wants_shared_world(request.node):
        wanted = _shared_world
    elif _wants_seeded_demo(request.node):
        wanted = _shared_demo
    with django_db_blocker.unblock():
        for shared in (_shared_world, _shared_demo):
            if shared is not wanted and shared.is_open:
                shared.close()
        if wanted is not None and not wanted.is_open:
            wanted.open()
    return _shared_world


@pytest.fixture
def _django_db_helper(_shared_world_for_test, _django_db_helper):
    """pytest-django's per-test database set-up (every database test goes through it), with
    the shared world's outer transaction arranged first."""
    return _django_db_helper


@pytest.fixture
def world(db, _shared_world) -> World:
    if _shared_world.is_open:
        return _shared_world.fresh_copy()
    # Transactional tests commit their own world; pytest-django flushes it afterwards.
    return build_world()


@pytest.fixture
def seeded_demo(db, _shared_demo, settings, tmp_path) -> SeededDemo:
    if _shared_demo.is_open:
        demo = _shared_demo.fresh_copy()
    else:
        # A test that wants the world too, or commits: its own seed, flushed afterwards.
        demo = build_seeded_demo(tmp_path / "demo-media")
    # After any app's autouse fixture that moves MEDIA_ROOT: the demo's files are here.
    settings.MEDIA_ROOT = demo.media_root
    return demo


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
def _default_language():
    """Every test starts in French: a request of a German-speaking user activates German
    for the rest of its thread, and would leak into the next test of the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_sessionfinish(session, exitstatus):
    # Stop the embedded servers only if this test session started them.
    from slsp_referent import embedded
    from tests.browser.helpers import close_shared_browser

    close_shared_browser()
    # xdist workers leave the template and the servers to the controller, which outlives them.
    if hasattr(session.config, "workerinput"):
        return
    if getattr(session.config.option, "dist", "no") != "no":
        from tests.dbtemplate import drop_template

        drop_template()
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
