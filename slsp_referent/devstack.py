"""`make run`: prepare the database, then run web, worker and beat until Ctrl-C.

Children run in their own process groups; on Ctrl-C (or SIGTERM) every group is
terminated, then the embedded PostgreSQL and Redis are stopped, so nothing is
left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def manage(*args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=BASE_DIR, check=True, capture_output=True, text=True
    )
    print(result.stdout, end="", flush=True)
    return result.stdout


def wait_until_serving(url: str, timeout: float = 90) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return True
        except OSError:
            time.sleep(0.5)
    return False


def spawn(name: str, args: list[str]) -> subprocess.Popen:
    print(f"[make run] starting {name}: {' '.join(args)}", flush=True)
    return subprocess.Popen(args, cwd=BASE_DIR, start_new_session=True)


def stop_children(children: dict[str, subprocess.Popen]) -> None:
    for proc in children.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, proc in children.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"[make run] {name} did not stop in time, killing it", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slsp_referent.settings")
    embedded_db = not os.environ.get("DATABASE_URL")
    embedded_redis = not os.environ.get("REDIS_URL")
    from slsp_referent import embedded

    if embedded_db:
        embedded.postgres_settings()
    if embedded_redis:
        embedded.redis_url()

    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        manage("migrate", "--noinput", "-v", "0")
        manage("load_reference_data")
        demo = manage("seed_demo")
        totp = manage("demo_totp")
        celery = [PY, "-m", "celery", "-A", "slsp_referent"]
        children["worker"] = spawn(
            "worker", [*celery, "worker", "-l", "INFO", "--concurrency", "2", "-n", "worker@%h"]
        )
        children["beat"] = spawn("beat", [*celery, "beat", "-l", "INFO"])
        children["web"] = spawn("web", [PY, "manage.py", "runserver", f"{HOST}:{PORT}"])
        url = f"http://{HOST}:{PORT}/"
        if wait_until_serving(url + "sante/"):
            lines = demo.splitlines()
            logins = "\n".join(line for line in lines if "@" in line or "password" in line)
            print(
                f"\n{'=' * 72}\n SLSP Référent is running on {url}\n\n{logins}\n\n"
                f" Coordinator and administrator sign in with a second factor: add the key\n"
                f" to an authenticator app, or run `.venv/bin/python manage.py demo_totp`\n"
                f" for the current codes.\n{totp}\n"
                f" Ctrl-C stops the web server, the worker, beat and the embedded servers.\n"
                f"{'=' * 72}\n",
                flush=True,
            )
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    print(f"[make run] {name} exited with {proc.returncode}; stopping", flush=True)
                    stopping = True
            time.sleep(0.5)
    except subprocess.CalledProcessError as exc:
        print(f"[make run] preparation failed: {exc}", flush=True)
        return 1
    finally:
        print("[make run] stopping web, worker and beat…", flush=True)
        stop_children(children)
        if embedded_db or embedded_redis:
            print("[make run] stopping the embedded PostgreSQL and Redis…", flush=True)
            if embedded_redis:
                embedded.stop_redis()
            if embedded_db:
                embedded.stop_postgres()
        print("[make run] stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
