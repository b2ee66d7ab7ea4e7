"""Backup and restore (procedure in SECURITY.md): `pg_dump` of the test
database, `pg_restore` into a fresh database on the same server, and the data, the
append-only trigger and an up-to-date schema are found there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from slsp_referent.embedded import pg_bin, server_major_version
from tests.conftest import build_world
from tests.privacy.factories import FIRST_NAME, SENSITIVE, make_rich_household

pytestmark = pytest.mark.django_db(transaction=True)


def _connect(db: dict, name: str):
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=name, autocommit=True
    )


def _client_args(db: dict) -> list[str]:
    return ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], "--no-password"]


def _client_tools(server_major: int) -> Path:
    """The pg_dump/pg_restore of the server's own major version, as the procedure uses
    (`docker compose exec db pg_dump`): a newer pg_restore writes settings an older
    server rejects (18's `SET transaction_timeout` on 16)."""
    if int(server_major_version()) == server_major:
        return Path(pg_bin(""))
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin")]
    if on_path := shutil.which("pg_dump"):
        candidates.insert(0, Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "pg_dump").exists():
            out = subprocess.run(
                [str(bindir / "pg_dump"), "--version"], capture_output=True, text=True
            ).stdout
            if out.split()[-1].split(".")[0] == str(server_major):
                return bindir
    pytest.skip(f"no PostgreSQL {server_major} client tools (pg_dump) on PATH for this server")


def test_pg_dump_then_pg_restore_into_a_fresh_database(tmp_path):
    tools = _client_tools(connection.pg_version // 10000)
    world = build_world()
    household = make_rich_household(world.slsp_a, world.users["referent_a"])
    db = connection.settings_dict
    source = db["NAME"]
    target = f"{source}_restore_{os.getpid()}"
    dump = tmp_path / "slsp.dump"
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}

    subprocess.run(
        [str(tools / "pg_dump"), *_client_args(db), "--format=custom", "--file", str(dump), source],
        check=True,
        env=env,
        timeout=300,
    )
    assert dump.stat().st_size > 10_000
    with _connect(db, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            [
                str(tools / "pg_restore"),
                *_client_args(db),
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                target,
                str(dump),
            ],
            check=True,
            env=env,
            timeout=300,
        )
        with _connect(db, target) as restored:
            names = {
                row[0]
                for row in restored.execute(
                    "SELECT first_name FROM tenants_member WHERE household_id = %s",
                    [household.pk],
                )
            }
            assert FIRST_NAME in names
            assert restored.execute(
                "SELECT count(*) FROM accompaniment_moment WHERE sensitive_note = %s", [SENSITIVE]
            ).fetchone() == (1,)
            assert restored.execute(
                "SELECT count(*) FROM accounts_accesslog WHERE subject_household = %s",
                [household.pk],
            ).fetchone() == (2,)
            # The append-only trigger came back with the data.
            with pytest.raises(psycopg.Error, match="append-only"):
                restored.execute("UPDATE accounts_accesslog SET reason = 'x'")
        # The application finds its schema complete on the restored database.
        url = f"postgres://{db['USER']}@:{db['PORT']}/{quote(db['HOST'], safe='')}/{target}"
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "slsp_referent.settings",
                "DATABASE_URL": url,
                "LOG_LEVEL": "WARNING",
            },
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        with _connect(db, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
