"""Faults: each test really stops and starts a PRIVATE server or process.

Redis stopped: pages work and say background work is paused. PostgreSQL restarted under
a running app: the next request works without restarting the app. A worker killed with
SIGKILL mid-task: after a new worker starts, the task completes exactly once.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from tests.faults import PRIVATE_PASSWORD, Browser, stop_group

pytestmark = pytest.mark.worker

PAUSED = "Les traitements en arrière-plan sont en pause"


def test_redis_stopped_pages_work_and_say_background_work_is_paused(private_stack, live_app):
    browser = Browser(live_app.base)
    assert browser.login("prive@example.org", PRIVATE_PASSWORD) == 302
    status, html, _ = browser.request("/")
    assert status == 200 and PAUSED not in html

    private_stack.redis.stop()
    try:
        assert not private_stack.redis.is_running()
        pages = ["/", "/comptes/securite/", f"/slsp/{private_stack.slsp_uuid}/", "/sante/"]
        for path in pages:
            status, html, _ = browser.request(path)
            if path == "/sante/":
                assert status == 503  # the health probe reports the outage
            else:
                assert status == 200, (path, status)
                assert PAUSED in html, path
        # Signing in still works: sessions and lockout counters live in PostgreSQL.
        newcomer = Browser(live_app.base)
        assert newcomer.login("prive@example.org", PRIVATE_PASSWORD) == 302
        assert newcomer.request("/")[0] == 200
    finally:
        private_stack.redis.start()
    status, html, _ = browser.request("/")
    assert status == 200 and PAUSED not in html


def test_postgres_restarted_under_a_running_app_recovers_without_restart(private_stack, live_app):
    browser = Browser(live_app.base)
    assert browser.login("prive@example.org", PRIVATE_PASSWORD) == 302
    assert browser.request("/")[0] == 200

    # 1. Restart between two requests: the app's kept connection is dead; the health
    # check (CONN_HEALTH_CHECKS) replaces it, so the very next request succeeds.
    private_stack.pg.stop()
    assert not private_stack.pg.is_running()
    private_stack.pg.start()
    status, html, _ = browser.request("/")
    assert status == 200, html[:500]

    # 2. A request while the database is down fails; the first one after it works.
    private_stack.pg.stop()
    try:
        assert browser.request("/")[0] >= 500
    finally:
        private_stack.pg.start()
    assert browser.request("/")[0] == 200
    assert live_app.poll() is None  # the same app process all along


def _worker(private_stack, name):
    return subprocess.Popen(
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
            f"{name}-{os.getpid()}@%h",
            "-l",
            "WARNING",
            "-I",
            "tests.worker_hooks.fault_probe",
        ],
        cwd=settings.BASE_DIR,
        env=private_stack.env(
            CELERY_VISIBILITY_TIMEOUT=VISIBILITY,
            CELERY_RESTORE_INTERVAL=1,
            CELERY_RESTORE_THROTTLE=1,
            CELERY_TASK_TIME_LIMIT=VISIBILITY - 1,
        ),
        start_new_session=True,
    )


VISIBILITY = 5  # the probe task (tests/worker_hooks/fault_probe.py) runs 2 s of the 4 s limit


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_worker_killed_mid_task_completes_it_once_after_restart(private_stack):
    from celery import Celery

    from slsp_referent.settings import celery_url

    token = uuid.uuid4().hex

    def count(kind):
        return private_stack.sql(
            "SELECT count(*) FROM core_heartbeat WHERE token = %s", [f"{kind}:{token}"]
        )[0][0]

    # Not the current app: later tests in this process send through the project's.
    producer = Celery(broker=celery_url(private_stack.redis_url), set_as_current=False)
    first = _worker(private_stack, "doomed")
    try:
        producer.send_task("tests.fault_probe", args=[token])
        _wait(lambda: count("start") == 1, 60, "the first worker to start the task")
        started = time.monotonic()
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, no goodbye
        first.wait(timeout=10)
    finally:
        stop_group(first, signal.SIGKILL)
    assert count("done") == 0

    # The unacknowledged message comes back once its visibility timeout has passed.
    time.sleep(max(0.0, started + VISIBILITY + 0.5 - time.monotonic()))
    second = _worker(private_stack, "rescuer")
    try:
        _wait(lambda: count("done") == 1, 90, "the second worker to complete the task")
        assert count("start") == 2
        # Acknowledged: not delivered again after another visibility timeout.
        time.sleep(VISIBILITY + 2)
        assert count("start") == 2
        assert count("done") == 1
    finally:
        stop_group(second)
