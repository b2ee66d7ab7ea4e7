"""Celery's broker on the Redis socket uses the database the settings name: tests,
benchmark and `make run` never take each other's tasks (kombu reads the database of
a socket URL from `virtual_host` and silently used database 0 with `?db=`)."""

from celery import Celery
from django.conf import settings
from kombu import Connection

from apps.core import security
from slsp_referent.settings import celery_url


def _socket_url(db: int) -> str:
    return settings.TEST_REDIS_URL.split("?")[0] + f"?db={db}"


def _broker_db(url: str) -> int:
    with Connection(url) as connection:
        return connection.default_channel.client.connection_pool.connection_kwargs["db"]


def test_socket_url_keeps_its_database_for_the_broker_and_the_results():
    if not settings.TEST_REDIS_URL.startswith("unix://"):
        return  # external Redis over TCP: the URL path carries the database
    url = celery_url(_socket_url(11))
    assert url.endswith("?virtual_host=11")
    assert _broker_db(url) == 11
    assert Celery(backend=url, set_as_current=False).backend.connparams["db"] == 11


def test_tcp_urls_are_unchanged():
    assert celery_url("redis://localhost:6379/3") == "redis://localhost:6379/3"


def test_the_test_broker_is_the_test_database():
    if not settings.TEST_REDIS_URL.startswith("unix://"):
        return
    db = int(settings.TEST_REDIS_URL.rsplit("=", 1)[1])
    assert _broker_db(settings.CELERY_BROKER_URL) == db != 0


def test_background_status_pings_the_broker():
    security.reset_background_status()
    assert security.background_available()
