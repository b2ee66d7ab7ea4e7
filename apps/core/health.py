"""Liveness of the three moving parts: database, Redis and a Celery worker."""

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("health: database unreachable")
        return "error"


def check_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(settings.CACHES["default"]["LOCATION"], socket_timeout=1).ping()
        return "ok"
    except Exception:
        logger.warning("health: redis unreachable")
        return "error"


def check_worker(timeout: float = 1.0) -> str:
    from slsp_referent.celery import app

    try:
        replies = app.control.ping(timeout=timeout)
    except Exception:
        logger.warning("health: worker ping failed")
        return "error"
    return "ok" if replies else "absent"


def background_available() -> bool:
    """True when Redis answers, so queued work will be picked up."""
    return check_redis() == "ok"


def check_all() -> dict:
    report = {"database": check_database(), "redis": check_redis()}
    report["worker"] = check_worker() if report["redis"] == "ok" else "unknown"
    return report
