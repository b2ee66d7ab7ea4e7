"""Test settings: the same real PostgreSQL and Redis, isolated from development data."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DEBUG", "1")

from slsp_referent.settings import *  # noqa: E402,F403
from slsp_referent.settings import REDIS_URL, celery_url  # noqa: E402


def _with_db(url: str, db: int) -> str:
    """Tests use their own Redis database so a running `make run` worker never takes their tasks."""
    if url.startswith("unix://"):
        return url.split("?")[0] + f"?db={db}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


# pytest-xdist worker ("gw0", "gw1"...; set before settings load, inherited by the Celery
# worker a test starts): each worker needs its own Redis database, since a test's
# cache.clear() empties the whole database, broker queues included. pytest-django
# suffixes the test database name with the worker id itself.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
XDIST_INDEX = int(XDIST_WORKER[2:]) if XDIST_WORKER.startswith("gw") else 0
_redis_db = (int(os.environ.get("SLSP_TEST_REDIS_DB", "9")) + XDIST_INDEX) % 16  # 16 databases

# Separate names let several test sessions share one embedded server safely.
TEST_REDIS_URL = _with_db(REDIS_URL, _redis_db)
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SLSP_TEST_DB_NAME", "test_slsp_referent")}  # noqa: F405
CACHES["default"]["LOCATION"] = TEST_REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "slsp-test"  # noqa: F405
CELERY_BROKER_URL = celery_url(TEST_REDIS_URL)
CELERY_RESULT_BACKEND = celery_url(TEST_REDIS_URL)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / ("test-media-" + XDIST_WORKER if XDIST_WORKER else "test-media")  # noqa: F405
AXES_FAILURE_LIMIT = 5
LOG_FORMAT = "text"
LOGGING["handlers"]["console"]["formatter"] = "text"  # noqa: F405

# A Celery worker started by the tests reads the test database pytest-django made.
if os.environ.get("SLSP_WORKER_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["SLSP_WORKER_DB_NAME"]  # noqa: F405
