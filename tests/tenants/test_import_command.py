"""manage.py import_tenants: the page's service, rules and output without a browser."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_scopes import scope

from apps.tenants import services
from apps.tenants.models import Household, ImportChange, ImportJob, Tenancy
from tests.tenants.test_import_sync import csv_file, line

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_tenants", *args, stdout=out)
    return out.getvalue()


def test_dry_run_shows_households_and_rejected_lines_and_writes_nothing(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_file(line("R1"), line("R2", year="abc", address="Rue B")))
    out = run(str(world.slsp_a.uuid), str(path), "--dry-run")
    assert "Ménages à créer : 1" in out
    assert "R1 Dupont Anne — Rue A 1, 5000 Namur" in out
    assert "ligne 3 rejetée (R2) : année de naissance « abc » impossible" in out
    with scope(slsp=[world.slsp_a.pk]):
        assert not Household.objects.exists() and not ImportJob.objects.exists()


def test_apply_records_the_job_and_its_changes(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_file(line("R1")))
    run(world.slsp_a.official_name, str(path))
    path.write_bytes(csv_file(line("r1", first="Anné")))
    out = run(world.slsp_a.official_name, str(path))
    assert "Ménages créés : 0, modifiés : 1" in out
    assert "prénom modifié : Anne → Anné" in out and "(= R1)" in out
    with scope(slsp=[world.slsp_a.pk]):
        assert Household.objects.get().members.get().first_name == "Anné"
        assert ImportJob.objects.filter(status=ImportJob.Status.APPLIED).count() == 2
        assert ImportChange.objects.filter(field="prénom").exists()


def test_a_full_export_closes_only_with_the_count(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(10)]))
    run(str(world.slsp_a.uuid), str(path))
    path.write_bytes(csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(7)]))
    preview = run(str(world.slsp_a.uuid), str(path), "--dry-run", "--full-export")
    assert "3 sur 10" in preview and "--close 3" in preview
    with pytest.raises(CommandError, match="tapez ce nombre"):
        run(str(world.slsp_a.uuid), str(path), "--full-export", "--close", "2")
    with scope(slsp=[world.slsp_a.pk]):
        assert not Tenancy.objects.filter(end_date__isnull=False).exists()
    out = run(str(world.slsp_a.uuid), str(path), "--full-export", "--close", "3")
    assert "baux clôturés : 3" in out
    with scope(slsp=[world.slsp_a.pk]):
        assert Tenancy.objects.filter(end_date__isnull=False).count() == 3


def test_a_refused_file_is_a_french_error(world, tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(CommandError, match=r"\.xlsx"):
        run(str(world.slsp_a.uuid), str(path))
    with pytest.raises(CommandError, match="SLSP introuvable"):
        run("nulle part", str(path))


def test_the_service_refuses_a_large_closure_without_its_count(world):
    """The API and the page go through apply_or_queue: the count is checked there."""
    with scope(slsp=[world.slsp_a.pk]):
        services.apply_or_queue(
            services.create_import_job(
                user=None,
                slsp=world.slsp_a,
                filename="a.csv",
                data=csv_file(*[line(f"R{i}", address=f"Rue {i}") for i in range(4)]),
                full_export=False,
            ),
            confirm_end=False,
        )
        job = services.create_import_job(
            user=None,
            slsp=world.slsp_a,
            filename="b.csv",
            data=csv_file(line("R0", address="Rue 0")),
            full_export=True,
        )
        with pytest.raises(ValidationError, match="3 baux sur 4"):
            services.apply_or_queue(job, confirm_end=True)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.PREVIEWED
        assert services.apply_or_queue(job, confirm_end=True, confirm_end_count=3).status == (
            ImportJob.Status.APPLIED
        )
        assert Tenancy.objects.filter(end_date__isnull=False).count() == 3


def test_the_import_history_of_a_household_can_be_forgotten(world, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_file(line("R1")))
    run(str(world.slsp_a.uuid), str(path))
    path.write_bytes(csv_file(line("R1", first="Anné")))
    run(str(world.slsp_a.uuid), str(path))
    with scope(slsp=[world.slsp_a.pk]):
        household = Household.objects.get()
        assert services.forget_import_changes(household.pk) >= 2
        assert not ImportChange.objects.exclude(old="", new="", subject="", reference="").exists()
