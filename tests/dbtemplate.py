"""Migrate once per test session, not once per xdist worker.

Rendering the migration states costs ~15 s of CPU (pure Python) for every database it
builds. Under xdist the first worker migrates a template database, marked with the
session's run id; every worker then gets its own copy of it (`CREATE DATABASE … TEMPLATE`,
as Django's own parallel runner clones its test database). A template from an earlier
session is never reused: a fresh clone of the repository always migrates from zero.

The private fault stack (tests/faults.py) restores a dump of the same template into its
own server instead of migrating a third time (tests/security/test_backup.py checks that a
restored dump is a complete, up-to-date schema).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

TEMPLATE_SUFFIX = "_template"


@contextlib.contextmanager
def _template_lock() -> Iterator[None]:
    """Held while the template is built, cloned or dumped: PostgreSQL refuses to copy a
    database that has a connection (the migrating worker's, or pg_dump's)."""
    lock_dir = Path(settings.BASE_DIR) / "var"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / ".test-db-template.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _admin(db: dict[str, Any]) -> psycopg.Connection:
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def template_name() -> str:
    """The test database's name without pytest-django's xdist suffix, plus `_template`."""
    name = settings.DATABASES["default"]["TEST"]["NAME"]
    return re.sub(r"_gw\d+$", "", name) + TEMPLATE_SUFFIX


def _ensure_template(connection: Any, template: str, run_id: str, verbosity: int) -> None:
    """Migrate `template` unless this session already did (caller holds the lock)."""
    db = connection.settings_dict
    with _admin(db) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        ).fetchone()
    if row is not None and row[0] == run_id:
        return
    test_settings = db["TEST"]
    worker_name, original_name = test_settings.get("NAME"), db["NAME"]
    test_settings["NAME"] = template
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.close()
        test_settings["NAME"] = worker_name
        db["NAME"] = original_name
        settings.DATABASES[connection.alias]["NAME"] = original_name
    with _admin(db) as admin:
        admin.execute(f"COMMENT ON DATABASE {_quote(template)} IS {_literal(run_id)}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clone_for_worker(connection: Any, run_id: str, verbosity: int) -> str:
    """Create this worker's test database from the session's template; returns the name
    the connection had before (for destroy_test_db)."""
    db = connection.settings_dict
    original_name = db["NAME"]
    worker_db = connection.creation._get_test_db_name()
    template = template_name()
    with _template_lock():
        _ensure_template(connection, template, run_id, verbosity)
        with _admin(db) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {_quote(worker_db)} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {_quote(worker_db)} TEMPLATE {_quote(template)}")
            # A commit need not wait for the WAL to reach the disk: only a crash of the
            # server could lose it, and a test database is thrown away then anyway.
            admin.execute(f"ALTER DATABASE {_quote(worker_db)} SET synchronous_commit = off")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = worker_db
    db["NAME"] = worker_db
    connection.ensure_connection()
    return original_name


def dump_template(target: Path) -> None:
    """pg_dump (custom format) of the session's template into `target` (the caller
    depends on django_db_setup, so the template exists)."""
    from slsp_referent.embedded import pg_bin

    db = settings.DATABASES["default"]
    template = template_name()
    with _template_lock():
        subprocess.run(
            [
                pg_bin("pg_dump"),
                "-h",
                db["HOST"],
                "-p",
                str(db["PORT"]),
                "-U",
                db["USER"],
                "--no-password",
                "--format=custom",
                "--file",
                str(target),
                template,
            ],
            check=True,
            env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
            timeout=300,
        )


def drop_template() -> None:
    """At the end of the session (xdist controller): the template is useless afterwards."""
    db = settings.DATABASES["default"]
    template = template_name()
    with _template_lock(), _admin(db) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {_quote(template)} WITH (FORCE)")


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's fixture, except that xdist workers clone the session's template."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None or (django_db_keepdb and not django_db_createdb):
        # One process (or --reuse-db): Django's own set-up, as pytest-django does it.
        with django_db_blocker.unblock():
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases={"default"},
                serialized_aliases=set(),
                keepdb=django_db_keepdb and not django_db_createdb,
            )
        yield
        if not (django_db_keepdb and not django_db_createdb):
            with django_db_blocker.unblock():
                teardown_databases(db_cfg, verbosity=verbosity)
        return

    with django_db_blocker.unblock():
        original_name = clone_for_worker(connection, workerinput["testrunuid"], verbosity)
    yield
    with django_db_blocker.unblock():
        worker_db = connection.settings_dict["NAME"]
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = original_name
        connection.settings_dict["NAME"] = original_name
        # FORCE: a connection a test's thread left open must not keep the database alive.
        with _admin(connection.settings_dict) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {_quote(worker_db)} WITH (FORCE)")
