"""Largest Contentful Paint of the référent's home and household page, in Debian's
Chromium through Playwright, against the gunicorn that bench/run.py started.

    bench_lcp.py http://127.0.0.1:PORT

Each page is loaded five times (after one warm-up); LCP comes from a buffered
PerformanceObserver('largest-contentful-paint') read after the load event.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from apps.accompaniment.models import Moment  # noqa: E402
from apps.slsps.scale import referent_email  # noqa: E402
from apps.tenants.models import Household  # noqa: E402
from tests.browser import chromium_page, login  # noqa: E402

OUT = Path(os.environ.get("BENCH_OUT", BENCH_DIR.parent / "var" / "bench"))
LOADS = 5
LCP_JS = """() => new Promise(resolve => {
  let last = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) last = entry.startTime;
  }).observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve(last), 300);
})"""


def targets():
    with scopes_disabled():
        row = (
            Household.objects.filter(slsp__official_name__startswith="SLSP d'échelle")
            .values("slsp_id", "slsp__official_name")
            .annotate(n=Count("pk"))
            .order_by("-n", "slsp_id")
            .first()
        )
        busiest = (
            Moment.objects.filter(slsp_id=row["slsp_id"])
            .values("household_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "household_id")
            .first()
        )
        household = Household.objects.get(pk=busiest["household_id"])
    number = int(row["slsp__official_name"].rsplit(" ", 1)[1])
    return referent_email(number, 1), household


def main():
    base = sys.argv[1]
    email, household = targets()
    pages = {"référent home": "/", "household page": f"/menages/{household.uuid}/"}
    results = {}
    with chromium_page() as page:
        login(page, base, email, settings.DEMO_PASSWORD)
        for label, path in pages.items():
            page.goto(base + path, wait_until="load")
            values = []
            for _ in range(LOADS):
                page.goto(base + path, wait_until="load")
                values.append(page.evaluate(LCP_JS))
            results[label] = {
                "median_ms": statistics.median(values),
                "max_ms": max(values),
                "ok": max(values) < 1000,
            }
            print(
                f"LCP {label:<16} median {statistics.median(values):6.0f} ms, "
                f"max {max(values):6.0f} ms over {LOADS} loads (target < 1000 ms)"
            )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lcp.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
