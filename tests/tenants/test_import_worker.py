"""A large import is applied by a real Celery worker while the page shows its progress."""

import time
from pathlib import Path

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from apps.tenants import services
from apps.tenants.models import Household, ImportJob

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SAMPLE = "fixtures/export-gestion-locative.csv"


def test_a_large_import_runs_in_the_worker_with_a_progress_bar(
    world, celery_worker_process, monkeypatch
):
    # The sample is small: lower the threshold so that it counts as a large file.
    monkeypatch.setattr(services, "SYNC_MAX_ROWS", 3)
    client = world.client_for("referent_a")
    with open(SAMPLE, "rb") as handle:
        upload = client.post(reverse("tenants:import"), {"slsp": world.slsp_a.pk, "file": handle})
    preview = upload["Location"]
    applied = client.post(preview, {})
    assert applied.status_code == 302 and applied["Location"] == preview

    waiting = client.get(preview).content.decode()
    assert "data-progress-url" in waiting and "js/progress.js" in waiting
    with scopes_disabled():
        job = ImportJob.objects.get(slsp=world.slsp_a)
    progress_url = reverse("tenants:import_progress", kwargs={"uuid": job.uuid})
    deadline = time.monotonic() + 60
    while True:
        state = client.get(progress_url).json()
        if state["done"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert state == {"status": "applied", "label": "importé", "progress": 100, "done": True}
    with scopes_disabled():
        job.refresh_from_db()
        assert job.summary["create"] > 0 and job.applied_at is not None
        lines = Path(SAMPLE).read_text(encoding="utf-8").splitlines()[1:]
        references = {line.split(";")[0] for line in lines}
        assert Household.objects.filter(slsp=world.slsp_a).count() == len(references)
    # Applying again (a double click, a redelivered task) changes nothing.
    with scopes_disabled():
        assert services.apply_job(job.pk).status == ImportJob.Status.APPLIED
    assert "Import en cours" not in client.get(preview).content.decode()
