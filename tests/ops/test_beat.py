"""Exactly one celery beat: the wrapper takes a Redis lock, a second beat exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from apps.core import beat
from apps.core.health import _broker


def _start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "slsp_referent.settings.test"}
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "apps.core.beat",
            *extra,
            "--",
            "-l",
            "WARNING",
            "-s",
            str(tmp_path / "celerybeat-schedule"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_second_beat_exits_with_a_clear_message_and_the_lock_is_released(tmp_path):
    broker = _broker()
    broker.delete(beat.LOCK_KEY)
    first = _start(tmp_path)
    try:
        deadline = time.monotonic() + 30
        while not broker.get(beat.LOCK_KEY):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first beat never took the lock"
            time.sleep(0.2)
        assert broker.ttl(beat.LOCK_KEY) <= beat.LOCK_TTL

        second = _start(tmp_path)
        try:
            _, err = second.communicate(timeout=60)
        finally:
            _stop(second)
        assert second.returncode == beat.EXIT_LOCKED
        assert "Another celery beat is already running" in err
        # The first one still holds the lock and runs beat.
        assert first.poll() is None
    finally:
        _stop(first)
    # A clean stop releases the lock at once: a replacement starts without waiting.
    assert broker.get(beat.LOCK_KEY) is None


def test_only_the_holder_renews_or_releases_the_lock():
    broker = _broker()
    broker.delete(beat.LOCK_KEY)
    assert beat.try_acquire(broker, "a")
    assert not beat.try_acquire(broker, "b")
    assert not beat.renew(broker, "b")
    beat.release(broker, "b")
    assert beat.holder(broker) == "a"
    assert beat.renew(broker, "a")
    beat.release(broker, "a")
    assert broker.get(beat.LOCK_KEY) is None
