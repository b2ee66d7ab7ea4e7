"""Session timestamps: idle timeout, absolute lifetime and recent authentication.

Times are epoch seconds in the session (JSON). Sign-in stamps them through the
`user_logged_in` signal, which `Client.force_login` sends too; a session without
them (opened before this code) is stamped on its first request.
"""

from __future__ import annotations

import contextvars
import time

from django.conf import settings

STARTED = "slsp_session_started"
SEEN = "slsp_session_seen"
AUTH_AT = "slsp_auth_at"
# Activity is written back at most once a minute: no session write on every request.
SEEN_RESOLUTION = 60


# The (user id, session key) of the request being served, so that a role change made
# by a person about themselves ends their other sessions but not the one in use.
CURRENT: contextvars.ContextVar[tuple[int, str] | None] = contextvars.ContextVar(
    "slsp_current_session", default=None
)


def current_key_of(user_id: int) -> str | None:
    current = CURRENT.get()
    if current is not None and current[0] == user_id:
        return current[1]
    return None


def now() -> int:
    return int(time.time())


def stamp_login(session) -> None:
    t = now()
    session[STARTED] = t
    session[SEEN] = t
    session[AUTH_AT] = t


def mark_reauthenticated(session) -> None:
    session[AUTH_AT] = now()


def record_activity(session) -> None:
    """The person asked to stay signed in: the idle time starts again now."""
    session[SEEN] = now()


def expiry_reason(session) -> str | None:
    """'idle' or 'absolute' when the session must end, else None (and record activity)."""
    t = now()
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:
        session.setdefault(STARTED, t)
        session.setdefault(AUTH_AT, t)
        session[SEEN] = t
        return None
    if t - started > settings.SESSION_ABSOLUTE_LIFETIME:
        return "absolute"
    if t - seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    if t - seen >= SEEN_RESOLUTION:
        session[SEEN] = t
    return None


def authenticated_recently(session) -> bool:
    at = session.get(AUTH_AT)
    return at is not None and now() - at <= settings.REAUTH_MAX_AGE
