"""Time the import of a 20,000-row rental-management export through the API and through
the web page, on the same in-process HTTP stack, and print both with their ratio.

Both paths: upload with dry run (the web upload view vs POST /api/v1/imports/), then the
apply (the web preview page's button vs POST .../apply/), which queues the job above
2,000 rows, then the worker's task body (`services.apply_job`) run here, in-process.

Run: .venv/bin/python bench/bench_api_import.py [rows]
Uses a throwaway test database (SLSP_TEST_DB_NAME, default test_bench_api) and Redis
database of the test settings, where it leaves its demo SLSPs (the access log keeps them).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slsp_referent.settings.test")
os.environ.setdefault("SLSP_TEST_DB_NAME", "test_bench_api")

import django  # noqa: E402

django.setup()

from bench_import import export  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402


def _slsp(name: str):
    import uuid

    from apps.slsps.models import Slsp

    # Kept afterwards (the access log protects it), in the throwaway database.
    return Slsp.objects.create(official_name=f"{name} {uuid.uuid4().hex[:8]}", is_demo=True)


def web_path(data: bytes) -> tuple[float, float, dict]:
    from apps.accounts.models import Membership, Role, User
    from apps.tenants import services
    from apps.tenants.models import ImportJob

    slsp = _slsp("Banc d'essai (import web)")
    user = User.objects.create_user(email=f"bench.{slsp.uuid.hex[:8]}@example.org", password=None)
    Membership.objects.create(user=user, role=Role.REFERENT, slsp=slsp)
    client = Client()
    client.force_login(user)
    try:
        t0 = time.perf_counter()
        response = client.post(
            reverse("tenants:import"),
            {"slsp": slsp.pk, "file": SimpleUploadedFile("export.csv", data)},
        )
        assert response.status_code == 302, response.status_code
        t1 = time.perf_counter()
        client.post(response["Location"], {})
        with scopes_disabled():
            job = ImportJob.objects.get(slsp=slsp)
        with scope(slsp=[slsp.pk]):
            job = services.apply_job(job.pk)
        t2 = time.perf_counter()
        assert job.status == ImportJob.Status.APPLIED, job.error
        return t1 - t0, t2 - t1, job.summary
    finally:
        client.logout()


def api_path(data: bytes) -> tuple[float, float, dict]:
    from apps.api import services as api_services
    from apps.api.models import ApiScope, ServiceAccount
    from apps.tenants import services
    from apps.tenants.models import ImportJob

    slsp = _slsp("Banc d'essai (import API)")
    account = ServiceAccount.objects.create(
        name=f"Banc d'essai {slsp.uuid.hex[:8]}", slsp=slsp, scopes=[ApiScope.IMPORT]
    )
    _token, text = api_services.create_token(account, created_by=None)
    client = Client(headers={"Authorization": f"Bearer {text}"})
    try:
        t0 = time.perf_counter()
        response = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("e.csv", data)})
        assert response.status_code == 201, response.content[:300]
        t1 = time.perf_counter()
        uuid = response.json()["uuid"]
        client.post(f"/api/v1/imports/{uuid}/apply/")
        with scopes_disabled():
            job = ImportJob.objects.get(uuid=uuid)
        with scope(slsp=[slsp.pk]):
            job = services.apply_job(job.pk)
        t2 = time.perf_counter()
        assert job.status == ImportJob.Status.APPLIED, job.error
        return t1 - t0, t2 - t1, job.summary
    finally:
        api_services.revoke_token(_token)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    setup_test_environment()
    connection.creation.create_test_db(keepdb=True, verbosity=0)
    data = export(rows)
    # Rate high enough for a benchmark; each path gets a warm-up of its code first.
    from django.conf import settings

    settings.API_THROTTLE_RATE = "1000/min"
    # The worker's part is timed here, in-process: the queued message is not sent.
    from apps.tenants import tasks

    tasks.apply_import.delay = lambda *args, **kwargs: None
    paths = {"web": web_path, "api": api_path}
    for path in paths.values():
        path(export(50))  # warm-up
    # Two rounds in opposite orders: the first large import into a database pays for
    # cold caches and growing tables, whichever path it is.
    runs: dict[str, list[tuple[float, float, dict]]] = {"web": [], "api": []}
    for order in (("web", "api"), ("api", "web")):
        for label in order:
            runs[label].append(paths[label](data))
    summaries = {str(run[2]) for label in runs for run in runs[label]}
    assert len(summaries) == 1, summaries
    print(f"rows: {rows}  summary: {runs['web'][0][2]}")
    best = {}
    for label, results in runs.items():
        for upload, apply, _summary in results:
            print(
                f"{label}: upload + dry run {upload:.2f}s  apply {apply:.2f}s  "
                f"total {upload + apply:.2f}s"
            )
        best[label] = min(upload + apply for upload, apply, _s in results)
    print(
        f"best total: web {best['web']:.2f}s  api {best['api']:.2f}s  "
        f"ratio api/web {best['api'] / best['web']:.2f}"
    )


if __name__ == "__main__":
    main()
