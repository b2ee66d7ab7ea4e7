"""Run-time safeguards shared by every app (see SECURITY.md).

- `FailSoftRedisCache`: a Redis outage turns cache reads into misses and writes into
  no-ops, so pages keep working on the database alone.
- `background_available()`: a cheap check, reused for a few seconds per process, that
  tells the templates whether Celery's broker answers.
- `RedactPersonalDataFilter`: masks e-mail addresses in log lines (logs carry ids).
- `RedactUrlTokensFilter` / `redact_url_tokens()`: masks the secret of the partner's
  signed link and of the password-reset link in request lines (runserver, gunicorn).

Imported by the logging configuration: no model imports at module level.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _redis_errors():
    import redis

    return (redis.RedisError, OSError)


def _fail_soft(default):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _redis_errors():
                logger.warning("cache unavailable: %s skipped", method.__name__)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorator


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache that never lets a Redis outage answer 500."""

    add = _fail_soft(False)(RedisCache.add)
    get = _fail_soft(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _fail_soft(None)(RedisCache.set)
    touch = _fail_soft(False)(RedisCache.touch)
    delete = _fail_soft(False)(RedisCache.delete)
    get_many = _fail_soft({})(RedisCache.get_many)
    has_key = _fail_soft(False)(RedisCache.has_key)
    incr = _fail_soft(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    set_many = _fail_soft(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _fail_soft(None)(RedisCache.delete_many)
    clear = _fail_soft(False)(RedisCache.clear)


# --- Is background work running? -------------------------------------------

_status_lock = threading.Lock()
_status: dict[str, tuple[float, bool]] = {}


def _ping(url: str) -> bool:
    import redis

    try:
        return bool(
            redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
        )
    except _redis_errors():
        return False


def background_available() -> bool:
    """True when the broker answers; one ping per process every BACKGROUND_STATUS_TTL s."""
    url = settings.CELERY_BROKER_URL.replace("redis+socket://", "unix://", 1)
    # redis-py names kombu's `virtual_host` (the database of a socket URL) `db`.
    url = url.replace("?virtual_host=", "?db=", 1)
    ttl = getattr(settings, "BACKGROUND_STATUS_TTL", 30)
    now = time.monotonic()
    with _status_lock:
        cached = _status.get(url)
        if cached and now - cached[0] < ttl:
            return cached[1]
    alive = _ping(url)
    if not alive:
        logger.warning("background work paused: the broker does not answer")
    with _status_lock:
        _status[url] = (now, alive)
    return alive


def reset_background_status() -> None:
    with _status_lock:
        _status.clear()


# --- Logs carry ids, never e-mail addresses ----------------------------------

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    return EMAIL_RE.sub("[e-mail masqué]", text)


class RedactPersonalDataFilter(logging.Filter):
    """Masks e-mail addresses in the message and in string `extra` fields of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left to the formatter to report
            return True
        if "@" in message:
            record.msg, record.args = redact(message), ()
        for key, value in list(vars(record).items()):
            if isinstance(value, str) and "@" in value and key not in {"msg", "pathname"}:
                setattr(record, key, redact(value))
        return True


# --- Access logs never carry the secret part of a signed link -----------------

# The partner's link (/accompagnement/partenaire/orientation/<uuid>/<token>/) and the
# password-reset link (/comptes/mot-de-passe/reinitialiser/<uidb64>/<token>/) are
# keys in themselves: whoever reads a log line could use them. The reset view swaps
# its token for "set-password" after the first request; that marker is no secret.
URL_TOKEN_RES = (
    re.compile(r"(/partenaire/orientation/[0-9A-Fa-f-]{32,36}/)[^/\s?#\"]+"),
    re.compile(r"(/mot-de-passe/reinitialiser/[^/\s?#\"]+/)(?!set-password(?:/|$))[^/\s?#\"]+"),
    # The invitation link (/comptes/invitation/<token>/); "accepter" replaces the token.
    re.compile(r"(/comptes/invitation/)(?!accepter(?:/|$))[^/\s?#\"]+"),
    # A person's calendar feed (/accompagnement/agenda/calendrier/<token>.ics).
    re.compile(r"(/agenda/calendrier/)(?!revoquer(?:/|$))[^/\s?#\"]+\.ics"),
)
REDACTED_SEGMENT = "[masqué]"


def redact_url_tokens(text: str) -> str:
    for pattern in URL_TOKEN_RES:
        text = pattern.sub(lambda m: m.group(1) + REDACTED_SEGMENT, text)
    return text


def _redact_value(value: object) -> object:
    return redact_url_tokens(value) if isinstance(value, str) else value


class RedactUrlTokensFilter(logging.Filter):
    """Masks link tokens in a record's message, its arguments (runserver's request line
    is an argument) and string `extra` fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url_tokens(record.msg)
        if isinstance(record.args, dict):
            # In place: gunicorn passes a dict subclass whose lookups its format relies on.
            for key, value in list(record.args.items()):
                record.args[key] = _redact_value(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_value(value) for value in record.args)
        for key, value in list(vars(record).items()):
            if isinstance(value, str) and key not in {"msg", "pathname"}:
                setattr(record, key, redact_url_tokens(value))
        return True
