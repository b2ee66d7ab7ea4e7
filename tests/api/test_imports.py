"""The rental-management import through the API: the same service and the same result
as the web page; another SLSP's job answers 404; bad files change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.accounts.models import AccessLog
from apps.tenants import services as tenant_services
from apps.tenants.models import ImportJob
from tests.tenants.test_import import SAMPLE, csv_bytes, state

pytestmark = pytest.mark.django_db
IMPORTS = "/api/v1/imports/"


def _upload(client, data: bytes = b"", name: str = "export.csv", **fields):
    return client.post(
        IMPORTS, {"file": SimpleUploadedFile(name, data or SAMPLE.read_bytes()), **fields}
    )


def _jobs() -> int:
    with scopes_disabled():
        return ImportJob.objects.count()


def test_dry_run_previews_without_writing_and_names_the_account_in_the_log(tokens, world):
    response = _upload(tokens.client("slsp_a"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed"
    assert body["summary"]["create"] > 0
    assert state(world.slsp_a)[0] == []  # nothing imported yet
    with scopes_disabled():
        job = ImportJob.objects.get(uuid=body["uuid"])
    assert job.slsp_id == world.slsp_a.pk and job.created_by is None
    log = AccessLog.objects.get(object_id=str(job.uuid))
    assert log.slsp_id == world.slsp_a.pk and log.user is None
    assert log.view_name == "api:imports"
    assert "Outil slsp_a" in log.reason and tokens.tokens["slsp_a"].prefix in log.reason


def test_the_api_import_equals_the_web_import(tokens, world, client_for):
    # Web: upload then apply as the référent of SLSP A.
    client = client_for("referent_a")
    upload = client.post(
        reverse("tenants:import"),
        {"slsp": world.slsp_a.pk, "file": SimpleUploadedFile("export.csv", SAMPLE.read_bytes())},
    )
    web_summary = client.get(upload["Location"]).context["summary"]
    client.post(upload["Location"], {})
    # API: the same file into SLSP B, previewed, then applied.
    api = tokens.client("slsp_b")
    preview = _upload(api).json()
    assert preview["summary"] == web_summary
    applied = api.post(f"{IMPORTS}{preview['uuid']}/apply/")
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert state(world.slsp_b) == state(world.slsp_a)
    assert state(world.slsp_b)[0]
    # Status afterwards; applying again is refused in French.
    status = api.get(f"{IMPORTS}{preview['uuid']}/").json()
    assert status["status"] == "applied" and status["progress"] == 100
    again = api.post(f"{IMPORTS}{preview['uuid']}/apply/")
    assert again.status_code == 400
    assert again.json()["detail"] == "Cet import a déjà été appliqué, est en cours ou a échoué."


def test_dry_run_false_applies_in_one_call(tokens, world):
    response = _upload(tokens.client("slsp_a"), dry_run="false")
    assert response.status_code == 201
    assert response.json()["status"] == "applied"
    assert len(state(world.slsp_a)[0]) == 6


def test_a_large_import_is_queued_like_the_web_one(
    tokens, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tenant_services, "SYNC_MAX_ROWS", 1)
    api = tokens.client("slsp_a")
    job = _upload(api).json()
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(f"{IMPORTS}{job['uuid']}/apply/", {"confirm_end": "true"})
    assert response.status_code == 202
    assert response.json()["status"] == "queued" and response.json()["confirm_end"] is True
    assert len(callbacks) == 1  # the worker task, sent after commit as from the page
    with scopes_disabled():
        assert ImportJob.objects.get(uuid=job["uuid"]).status == ImportJob.Status.QUEUED


def test_another_slsps_token_gets_404_and_changes_nothing(tokens, world):
    job = _upload(tokens.client("slsp_a")).json()
    other = tokens.client("slsp_b")
    for response in (
        other.get(f"{IMPORTS}{job['uuid']}/"),
        other.post(f"{IMPORTS}{job['uuid']}/apply/"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Introuvable."}
    with scopes_disabled():
        assert ImportJob.objects.get(uuid=job["uuid"]).status == ImportJob.Status.PREVIEWED
    assert state(world.slsp_a)[0] == []


@pytest.mark.parametrize("name", ["referrals_only_a", "swl"])
def test_a_token_without_the_import_scope_gets_403(tokens, name):
    response = _upload(tokens.client(name))
    assert response.status_code == 403
    assert response.json() == {"detail": "Ce jeton n'a pas la portée « import »."}
    assert _jobs() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00 pas un export")}, "Encodage"),
        ({"file": SimpleUploadedFile("x.csv", b"a;b;c\n1;2;3\n")}, "Colonnes obligatoires"),
        ({}, "Requête invalide : vérifiez file."),
        (
            {"file": SimpleUploadedFile("x.csv", SAMPLE.read_bytes()), "dry_run": "peut-être"},
            "Requête invalide : vérifiez dry_run.",
        ),
    ],
)
def test_bad_input_gets_400_in_french_and_saves_nothing(tokens, world, fields, message):
    response = tokens.client("slsp_a").post(IMPORTS, fields)
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert _jobs() == 0
    assert state(world.slsp_a)[0] == []


def test_a_file_over_the_size_limit_is_refused(tokens, settings):
    settings.TENANTS_IMPORT_MAX_BYTES = 100
    response = _upload(tokens.client("slsp_a"))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Le fichier dépasse")
    assert _jobs() == 0


def test_status_queries_do_not_depend_on_the_file(tokens, world, django_assert_max_num_queries):
    api = tokens.client("slsp_a")
    small = _upload(api).json()["uuid"]
    lines = [
        f"R{i:05d};Nom{i};Prénom;1980;titulaire;Rue {i};5000;Namur;;social;01/01/2024;;non;;fr"
        for i in range(300)
    ]
    large = _upload(api, csv_bytes(*lines)).json()["uuid"]
    for uuid in (small, large):
        with django_assert_max_num_queries(4):  # token, job, access log (+ last use)
            assert api.get(f"{IMPORTS}{uuid}/").status_code == 200
