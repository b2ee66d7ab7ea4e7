"""Health of the moving parts: database, cache, broker and Celery workers.

Two probes (see docs/OPERATIONS.md): liveness (`/sante/vivant/`) touches nothing and says
the web process answers; readiness (`/sante/`) checks each component once, cheaply.

Workers are not pinged (a ping waits out its whole timeout to collect replies): each
worker writes a heartbeat into the broker's Redis every few seconds from a thread of its
main process, and readiness reads the age of the freshest one.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "slsp:worker-heartbeats"
# Seconds between two heartbeats of a worker, and the age past which a worker counts as
# gone (three missed beats).
HEARTBEAT_INTERVAL = 5.0
HEARTBEAT_STALE = 3 * HEARTBEAT_INTERVAL
# A dead worker's entry is dropped after an hour, so the set stays small.
HEARTBEAT_FORGET = 3600


def redis_py_url(url: str) -> str:
    """The broker URL as redis-py spells it (kombu writes socket URLs redis+socket://
    with the database as `virtual_host`)."""
    if url.startswith("redis+socket://"):
        url = "unix://" + url[len("redis+socket://") :]
        url = url.replace("?virtual_host=", "?db=", 1)
    return url


def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _broker() -> Any:
    return _redis(redis_py_url(str(settings.CELERY_BROKER_URL)))


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("health: database unreachable")
        return "error"


def check_cache() -> str:
    try:
        _redis(str(settings.CACHES["default"]["LOCATION"])).ping()
        return "ok"
    except Exception:
        logger.warning("health: cache unreachable")
        return "error"


def check_broker() -> str:
    try:
        _broker().ping()
        return "ok"
    except Exception:
        logger.warning("health: broker unreachable")
        return "error"


def worker_heartbeat_age() -> float | None:
    """Seconds since the freshest worker heartbeat, None if no worker ever wrote one."""
    freshest = _broker().zrevrange(HEARTBEAT_KEY, 0, 0, withscores=True)
    if not freshest:
        return None
    return max(0.0, time.time() - float(freshest[0][1]))


def check_worker() -> str:
    try:
        age = worker_heartbeat_age()
    except Exception:
        logger.warning("health: worker heartbeats unreadable")
        return "unknown"
    return "ok" if age is not None and age <= HEARTBEAT_STALE else "absent"


def background_available() -> bool:
    """True when the broker answers, so queued work will be picked up."""
    return check_broker() == "ok"


def check_all() -> dict[str, str]:
    report = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    report["worker"] = check_worker() if report["broker"] == "ok" else "unknown"
    return report


def is_ready(report: dict[str, str]) -> bool:
    """Serving needs the database and the broker (actions queue their work); a cache
    outage only slows pages (fail-soft) and a missing worker only delays background work,
    both are reported without taking the instance out of the load balancer."""
    return report["database"] == "ok" and report["broker"] == "ok"


# --- The worker side ---


def write_heartbeat(name: str) -> None:
    now = time.time()
    client = _broker()
    pipe = client.pipeline()
    pipe.zadd(HEARTBEAT_KEY, {name: now})
    pipe.zremrangebyscore(HEARTBEAT_KEY, "-inf", now - HEARTBEAT_FORGET)
    pipe.expire(HEARTBEAT_KEY, HEARTBEAT_FORGET)
    pipe.execute()


def _beat_forever(name: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            write_heartbeat(name)
        except Exception:
            # The broker is down: the worker cannot work either; retry at the next beat.
            logger.warning("worker heartbeat not written", exc_info=True)
        stop.wait(HEARTBEAT_INTERVAL)


_heartbeat_stop = threading.Event()


def start_heartbeat(sender: Any = None, **kwargs: Any) -> None:
    """`worker_ready`: beat from a daemon thread of the worker's main process."""
    name = str(getattr(sender, "hostname", "") or socket.gethostname())
    _heartbeat_stop.clear()
    threading.Thread(
        target=_beat_forever, args=(name, _heartbeat_stop), name="health-heartbeat", daemon=True
    ).start()


def stop_heartbeat(sender: Any = None, **kwargs: Any) -> None:
    """`worker_shutdown`: a worker that stops cleanly leaves no fresh heartbeat behind."""
    _heartbeat_stop.set()
    name = str(getattr(sender, "hostname", "") or socket.gethostname())
    try:
        _broker().zrem(HEARTBEAT_KEY, name)
    except Exception:
        logger.warning("worker heartbeat not removed", exc_info=True)


def connect_worker_signals() -> None:
    from celery.signals import worker_ready, worker_shutdown

    worker_ready.connect(start_heartbeat, weak=False, dispatch_uid="core-health-heartbeat")
    worker_shutdown.connect(stop_heartbeat, weak=False, dispatch_uid="core-health-heartbeat-stop")
