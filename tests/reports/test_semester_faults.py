"""Faults on a PRIVATE stack (tests/faults.py): a worker killed in the middle of a
report build, and Redis stopped while a référent asks for a report."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.faults import PRIVATE_PASSWORD, Browser, stop_group

pytestmark = pytest.mark.worker

VISIBILITY = 12
# The doomed worker pauses every build mid-way (tests/worker_hooks/slow_report_build.py).
SLOW_BUILD = "tests.worker_hooks.slow_report_build"

SEED = """
from django_scopes import scopes_disabled
from apps.reports.models import ReportBuild, SemesterReport
from apps.slsps.models import Slsp
with scopes_disabled():
    slsp = Slsp.objects.get(official_name="SLSP privée de test")
    report = SemesterReport.objects.create(slsp=slsp, year=2025, semester=1, version=%d)
    build = ReportBuild.objects.create(slsp=slsp, report=report)
    print(build.pk, slsp.pk, report.pk)
"""


def _worker(stack, name, *hooks):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "slsp_referent", "worker", "--pool", "prefork",
         "--concurrency", "1", "-n", f"{name}-{os.getpid()}@%h", "-l", "WARNING",
         *(f"--include={hook}" for hook in hooks)],
        cwd=settings.BASE_DIR,
        env=stack.env(
            CELERY_VISIBILITY_TIMEOUT=VISIBILITY,
            CELERY_RESTORE_INTERVAL=1,
            CELERY_RESTORE_THROTTLE=1,
            CELERY_TASK_TIME_LIMIT=VISIBILITY - 1,
        ),
        start_new_session=True,
    )  # fmt: skip


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_worker_killed_mid_build_rebuilds_the_report_once(private_stack):
    from celery import Celery

    from slsp_referent.settings import celery_url

    build_id, slsp_id, report_id = map(
        int, private_stack.manage("shell", "-c", SEED % 1).split()[-3:]
    )

    def row():
        return private_stack.sql(
            "SELECT status, attempts, sha256 FROM reports_reportbuild WHERE id = %s", [build_id]
        )[0]

    # Not the current app: later tests in this process send through the project's.
    producer = Celery(broker=celery_url(private_stack.redis_url), set_as_current=False)
    first = _worker(private_stack, "doomed", SLOW_BUILD)
    try:
        producer.send_task("reports.build_semester_report", args=[build_id, slsp_id])
        _wait(lambda: row()[:2] == ("building", 1), 90, "the first worker to start the build")
        time.sleep(1)
        started = time.monotonic()
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, mid-build
        first.wait(timeout=10)
    finally:
        stop_group(first, signal.SIGKILL)
    assert row()[0] == "building"  # left half-done: no file, no checksum
    assert row()[2] == ""

    time.sleep(max(0.0, started + VISIBILITY + 0.5 - time.monotonic()))
    second = _worker(private_stack, "rescuer")
    try:
        _wait(lambda: row()[0] == "ready", 120, "the second worker to finish the build")
        status, attempts, digest = row()
        assert attempts == 2 and len(digest) == 64
        # Acknowledged: not built a third time after another visibility timeout.
        time.sleep(VISIBILITY + 2)
        assert row() == (status, attempts, digest)
        builds = private_stack.sql(
            "SELECT count(*) FROM reports_reportbuild WHERE report_id = %s", [report_id]
        )[0][0]
        assert builds == 1
    finally:
        stop_group(second)


PAUSED = "Le traitement en arrière-plan est en pause"


def test_redis_stopped_report_request_waits_and_never_answers_500(private_stack, live_app):
    browser = Browser(live_app.base)
    assert browser.login("prive@example.org", PRIVATE_PASSWORD) == 302
    private_stack.redis.stop()
    try:
        status, html, _ = browser.request("/rapports/semestriels/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        slsp = re.search(r'<option value="(\d+)"', html).group(1)
        status, _, headers = browser.request(
            "/rapports/semestriels/demander/",
            {"csrfmiddlewaretoken": token, "slsp": slsp, "year": "2024", "semester": "2"},
        )
        assert status == 302, status
        status, html, _ = browser.request(headers["Location"])
        assert status == 200
        assert PAUSED in html and "En attente" in html
        progress = re.search(r'data-progress-url="([^"]+)"', html).group(1)
        status, body, _ = browser.request(progress)
        assert status == 200 and '"status": "queued"' in body
    finally:
        private_stack.redis.start()
    status, html, _ = browser.request("/rapports/semestriels/")
    assert status == 200
