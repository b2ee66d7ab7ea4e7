"""Fixed-window counters in the shared cache (Redis): how often something may happen.

Keys carry a hash, never an e-mail address. If Redis is down the cache fails soft
(`apps.core.security.FailSoftRedisCache`): `incr` answers 1 and the action is allowed,
so an outage costs the limit, never the page.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

HOUR = 3600


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def hit(scope: str, subject: str, *, limit: int, window: int = HOUR) -> bool:
    """Count one more event of `subject`; True while the count stays within `limit`."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))


def password_reset_allowed(email: str, ip: str | None) -> bool:
    """At most PASSWORD_RESET_PER_ACCOUNT e-mails per address and PASSWORD_RESET_PER_IP
    requests per address of origin, per hour. Both counters move on every request, known
    address or not, so the answer never depends on whether an account exists."""
    per_account = getattr(settings, "PASSWORD_RESET_PER_ACCOUNT", 3)
    per_ip = getattr(settings, "PASSWORD_RESET_PER_IP", 10)
    ip_ok = hit("reset-ip", ip or "unknown", limit=per_ip)
    account_ok = hit("reset-account", email.strip().lower(), limit=per_account)
    return ip_ok and account_ok
