"""Readiness (/sante/) and liveness (/sante/vivant/): fast, HEAD allowed, statuses only."""

from __future__ import annotations

import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from apps.core import health


@pytest.mark.django_db
def test_liveness_answers_get_and_head_and_touches_nothing(django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(0):
        assert client.get(reverse("core:liveness")).content == b"ok"
        assert client.head(reverse("core:liveness")).status_code == 200
    assert client.post(reverse("core:liveness")).status_code == 405


@pytest.mark.django_db
def test_readiness_accepts_head_and_reports_components_only(django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(1):
        response = client.head(reverse("core:health"))
    assert response.status_code == 200
    body = client.get(reverse("core:health")).json()
    assert set(body) == {"database", "cache", "broker", "worker"}
    assert body["database"] == body["cache"] == body["broker"] == "ok"
    # No worker in this test: reported, but the instance still serves.
    assert body["worker"] == "absent"
    assert client.post(reverse("core:health")).status_code == 405


@pytest.mark.django_db
def test_readiness_fails_when_the_broker_is_unreachable(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = Client().get(reverse("core:health"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["worker"] == "unknown"


@pytest.mark.django_db
def test_a_stale_heartbeat_counts_as_absent():
    health.write_heartbeat("gone@host")
    broker = health._broker()
    broker.zadd(health.HEARTBEAT_KEY, {"gone@host": time.time() - 2 * health.HEARTBEAT_STALE})
    assert health.check_worker() == "absent"
    health.write_heartbeat("alive@host")
    assert health.check_worker() == "ok"


def test_broker_socket_url_is_translated_for_redis_py():
    assert (
        health.redis_py_url("redis+socket:///tmp/r.sock?virtual_host=11")
        == "unix:///tmp/r.sock?db=11"
    )
    assert health.redis_py_url("redis://broker:6379/0") == "redis://broker:6379/0"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_readiness_is_fast_with_a_real_worker(celery_worker_process):
    client = Client()
    url = reverse("core:health")
    # The suite empties Redis before each test: wait for the worker's next heartbeat.
    deadline = time.monotonic() + 3 * health.HEARTBEAT_INTERVAL
    while client.get(url).json()["worker"] != "ok":
        assert time.monotonic() < deadline, "no heartbeat from the running worker"
        time.sleep(0.2)
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
        assert response.json()["worker"] == "ok"
    assert statistics.median(timings) < 0.050, timings
