"""Two web instances and two Celery workers on ONE database and ONE Redis (the private
stack, tests/faults.py), as when the application is scaled out: a session opened on one
instance is valid on the other, the workers share the queue, and a report built by either
worker is downloaded through the other instance."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings

from tests.faults import PRIVATE_PASSWORD, Browser, PrivateStack, free_port, stop_group

pytestmark = pytest.mark.worker

HOOKS = "tests.ops.mi_hooks"
BUILD_TASK = "reports.build_semester_report"


def _wait(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)
    return value


def _web(stack: PrivateStack) -> subprocess.Popen:
    """gunicorn with the project's configuration file, one worker process."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "slsp_referent.wsgi"],
        cwd=settings.BASE_DIR,
        env=stack.env(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=1),
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    proc.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    return proc


def _up(proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, "the web instance stopped"
    try:
        urllib.request.urlopen(proc.base + "/comptes/connexion/", timeout=2)  # type: ignore[attr-defined]  # noqa: S310
    except OSError:
        return False
    return True


def _worker(stack: PrivateStack, node: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "slsp_referent", "worker", "--pool", "prefork",
         "--concurrency", "1", "-n", node, "-l", "WARNING", f"--include={HOOKS}"],
        cwd=settings.BASE_DIR,
        env=stack.env(),
        start_new_session=True,
    )  # fmt: skip


@pytest.fixture
def cluster(private_stack: PrivateStack) -> Iterator[dict[str, Any]]:
    from celery import Celery

    from slsp_referent.settings import celery_url

    url = celery_url(private_stack.redis_url)
    # Not the current app: the rest of the session sends through the project's.
    producer = Celery(broker=url, backend=url, set_as_current=False)
    suffix = os.getpid()
    nodes = [f"mi-a-{suffix}@localhost", f"mi-b-{suffix}@localhost"]
    procs = [_web(private_stack), _web(private_stack)]
    procs += [_worker(private_stack, node) for node in nodes]
    try:
        for web in procs[:2]:
            _wait(lambda web=web: _up(web), 60, "a web instance")
        for node, worker in zip(nodes, procs[2:], strict=True):
            assert worker.poll() is None, f"worker {node} stopped"
            _wait(lambda node=node: producer.control.ping([node], timeout=1), 60, node)
        yield {"a": procs[0], "b": procs[1], "nodes": nodes, "producer": producer}
    finally:
        for proc in procs:
            stop_group(proc)
        producer.close()


def _totals(producer: Any, nodes: list[str]) -> dict[str, dict[str, int]]:
    """Tasks each worker has run since it started, by task name (celery inspect stats)."""
    stats = producer.control.inspect(destination=nodes, timeout=3).stats() or {}
    return {node: stats[node]["total"] for node in nodes if node in stats}


def _get_bytes(browser: Browser, path: str) -> tuple[int, bytes, dict]:
    with browser.opener.open(browser.base + path, timeout=20) as response:
        return response.status, response.read(), dict(response.headers)


def test_two_web_instances_and_two_workers_share_sessions_work_and_files(
    cluster: dict[str, Any],
) -> None:
    a, b, nodes, producer = cluster["a"], cluster["b"], cluster["nodes"], cluster["producer"]

    # Signed in on A; the same cookie is a signed-in session on B (sessions in the database).
    on_a = Browser(a.base)
    assert on_a.login("prive@example.org", PRIVATE_PASSWORD) == 302
    on_b = Browser(b.base)
    assert on_b.request("/rapports/semestriels/")[0] == 302  # no cookie yet: to the login page
    assert any("sessionid" in cookie.name for cookie in on_a.cookies)
    for cookie in on_a.cookies:
        on_b.cookies.set_cookie(cookie)
    status, html, _ = on_b.request("/rapports/semestriels/")
    assert status == 200 and 'name="slsp"' in html, status

    # A semestrial report asked for through A, built by one of the two workers.
    status, html, _ = on_a.request("/rapports/semestriels/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    slsp = re.search(r'<option value="(\d+)"', html).group(1)
    status, _, headers = on_a.request(
        "/rapports/semestriels/demander/",
        {"csrfmiddlewaretoken": token, "slsp": slsp, "year": "2023", "semester": "1"},
    )
    assert status == 302, status
    detail = headers["Location"]
    status, html, _ = on_a.request(detail)
    progress = re.search(r'data-progress-url="([^"]+)"', html).group(1)

    def built() -> bool:
        status, body, _ = on_b.request(progress)  # polled through the other instance
        assert status == 200 and '"error": ""' in body, body
        return '"status": "ready"' in body

    _wait(built, 120, "the report build")
    builders = _wait(
        lambda: [n for n, total in _totals(producer, nodes).items() if total.get(BUILD_TASK)],
        10,
        "a worker reporting the build",
    )
    assert len(builders) == 1, builders  # built once, by one worker

    # Downloaded through B: the file written by a worker, served by the other instance.
    status, html, _ = on_b.request(detail)
    assert status == 200
    download = re.search(r'href="([^"]+/telecharger/)"', html).group(1)
    status, body, headers = _get_bytes(on_b, download)
    assert status == 200 and body.startswith(b"%PDF"), status
    assert headers["Content-Type"] == "application/pdf"

    # A handful of tasks: both workers take some (prefetch 1, each task lasts 0.3 s).
    results = [producer.send_task("tests.which_worker", args=[i]) for i in range(10)]
    hosts = [result.get(timeout=60) for result in results]
    print(f"\nreport built by {builders[0]}; tasks per worker: {Counter(hosts)}")
    assert set(hosts) == set(nodes), hosts
