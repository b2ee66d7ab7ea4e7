"""Run `celery beat` only while holding a lock in the broker's Redis: exactly one beat.

Two beats would send every periodic task twice (semester drafts, erasure, e-mail
sweep). Start beat with `python -m apps.core.beat [celery beat options]`: it takes the
lock, then runs beat as a child process and renews the lock while the child lives. A
second beat finds the lock taken and exits with a message (or, with `--standby`, waits
and takes over when the first one dies and its lock expires).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

logger = logging.getLogger("apps.core.beat")

LOCK_KEY = "slsp:celery-beat-lock"
# The lock outlives a crashed holder by at most this many seconds.
LOCK_TTL = 60
RENEW_EVERY = 15

# Compare-and-act: only the holder renews or releases its own lock.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"  # noqa: E501
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"  # noqa: E501

EXIT_LOCKED = 3
EXIT_LOST = 4


def _broker() -> Any:
    from apps.core.health import _broker as broker

    return broker()


def try_acquire(client: Any, token: str) -> bool:
    return bool(client.set(LOCK_KEY, token, nx=True, ex=LOCK_TTL))


def holder(client: Any) -> str:
    value = client.get(LOCK_KEY)
    return value.decode() if isinstance(value, bytes) else str(value or "")


def renew(client: Any, token: str) -> bool:
    return bool(client.eval(_RENEW, 1, LOCK_KEY, token, LOCK_TTL))


def release(client: Any, token: str) -> None:
    client.eval(_RELEASE, 1, LOCK_KEY, token)


def _hold(token: str, child: subprocess.Popen[bytes], lost: threading.Event) -> None:
    """Renew the lock while beat runs; stop beat if the lock is lost."""
    last_renewed = time.monotonic()
    while child.poll() is None:
        time.sleep(RENEW_EVERY)
        try:
            if renew(_broker(), token):
                last_renewed = time.monotonic()
                continue
            logger.error("beat lock taken by another process: stopping this beat")
        except Exception:
            # Redis unreachable: beat cannot send anything either. Keep going until
            # the lock could have expired, then step down for whoever gets it next.
            if time.monotonic() - last_renewed < LOCK_TTL - RENEW_EVERY:
                continue
            logger.error("beat lock not renewed for %s s: stopping this beat", LOCK_TTL)
        lost.set()
        child.terminate()
        return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="health check: exit 0 if some beat holds the lock, 1 otherwise",
    )
    parser.add_argument(
        "--standby",
        action="store_true",
        help="wait for the lock instead of exiting when another beat holds it",
    )
    args, beat_args = parser.parse_known_args(argv)
    if beat_args[:1] == ["--"]:
        beat_args = beat_args[1:]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slsp_referent.settings")
    import django

    django.setup()

    client = _broker()
    if args.check:
        return 0 if holder(client) else 1
    token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
    announced = False
    while not try_acquire(client, token):
        if args.standby and not announced:
            logger.info("another beat holds %s (%s): waiting as standby", LOCK_KEY, holder(client))
            announced = True
        if not args.standby:
            print(
                "Another celery beat is already running (lock "
                f"{LOCK_KEY} held by {holder(client)}): this one exits. Run exactly one "
                "beat per installation; see docs/OPERATIONS.md.",
                file=sys.stderr,
            )
            return EXIT_LOCKED
        time.sleep(RENEW_EVERY)
    logger.info("beat lock %s taken by %s", LOCK_KEY, token)

    child = subprocess.Popen(  # noqa: S603 - fixed program, arguments from our own command
        [sys.executable, "-m", "celery", "-A", "slsp_referent", "beat", *beat_args]
    )

    def forward(signum: int, frame: Any) -> None:
        child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    lost = threading.Event()
    threading.Thread(target=_hold, args=(token, child, lost), daemon=True).start()
    code = child.wait()
    try:
        release(_broker(), token)
    except Exception:
        logger.warning("beat lock not released; it expires in %s s", LOCK_TTL)
    return EXIT_LOST if lost.is_set() else code


if __name__ == "__main__":
    sys.exit(main())
