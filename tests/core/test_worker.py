"""A real Celery worker process executes real tasks through the real Redis broker."""

import time
import uuid

import pytest

from apps.core import health
from apps.core.models import Heartbeat
from apps.core.tasks import echo, record_heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_runs_a_task_through_the_broker(celery_worker_process):
    assert echo.delay(21).get(timeout=30) == 42


def test_worker_writes_to_the_test_database(celery_worker_process):
    token = uuid.uuid4().hex
    assert record_heartbeat.delay(token).get(timeout=30) == token
    assert Heartbeat.objects.filter(token=token).exists()


def test_health_sees_the_worker(celery_worker_process):
    # The suite empties the Redis database before each test: wait for the next heartbeat.
    deadline = time.monotonic() + 3 * health.HEARTBEAT_INTERVAL
    while health.check_worker() != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert health.check_worker() == "ok"


def test_celery_is_configured_for_safe_delivery():
    from slsp_referent.celery import app

    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.task_time_limit < conf.broker_transport_options["visibility_timeout"]
    assert echo.retry_backoff and echo.max_retries
