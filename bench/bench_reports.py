"""Build time of the semestrial reports on the scale dataset.

    bench_reports.py one   # one SLSP's report (the largest), built in this process
    bench_reports.py all   # every SLSP's draft + the regional report, through the
                           # Celery worker(s) that bench/run.py started (two processes)

Prints one line and writes var/bench/reports_<mode>.json. If apps.reports has no build
service, says "not available".
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from apps.core.periods import Semester  # noqa: E402

OUT = Path(os.environ.get("BENCH_OUT", BENCH_DIR.parent / "var" / "bench"))


def _services():
    try:
        from apps.reports import indicators, regional_report, services
        from apps.reports.models import ReportBuild
    except ImportError:
        return None
    needed = [(services, "run_build"), (services, "open_report"), (regional_report, "request")]
    if not all(hasattr(module, name) for module, name in needed):
        return None
    return indicators, regional_report, services, ReportBuild


def _largest_slsp():
    from apps.slsps.models import Slsp
    from apps.tenants.models import Household

    with scopes_disabled():
        row = (
            Household.objects.filter(slsp__official_name__startswith="SLSP d'échelle")
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "slsp_id")
            .first()
        )
        return Slsp.objects.get(pk=row["slsp_id"])


def _clean(year, semester):
    """Builds of an earlier (interrupted) run would be reused or block a new one: start
    clean (the scale database only: bench_settings refuses any other)."""
    from apps.reports.models import RegionalReport, ReportBuild

    with scopes_disabled():
        ReportBuild.objects.filter(report__year=year, report__semester=semester).delete()
        RegionalReport.objects.filter(year=year, semester=semester).delete()


def one(mods) -> dict:
    indicators, _regional, services, ReportBuild = mods
    period = Semester.last_ended(timezone.localdate())
    year, semester = period.year, period.half
    _clean(year, semester)
    slsp = _largest_slsp()
    with scope(slsp=[slsp.pk]):
        report, _ = services.open_report(slsp, year, semester, None)
        build = ReportBuild.objects.create(slsp_id=slsp.pk, report=report)
        start = time.perf_counter()
        build = services.run_build(build.pk)
        elapsed = time.perf_counter() - start
    return {
        "slsp": str(slsp),
        "semester": f"{year}-S{semester}",
        "seconds": elapsed,
        "status": build.status,
        "size": build.size,
    }


def all_reports(mods, timeout: float = 900) -> dict:
    indicators, regional_report, services, ReportBuild = mods
    from apps.accounts.models import User
    from apps.reports.models import RegionalReport
    from apps.slsps.scale import COORDINATOR_EMAIL

    period = Semester.last_ended(timezone.localdate())
    year, semester = period.year, period.half
    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    _clean(year, semester)
    start = time.perf_counter()
    requested_after = timezone.now()
    with scopes_disabled():
        count = services.build_drafts_for_all(year, semester)
        with transaction.atomic():
            regional = regional_report.request(year, semester, coordinator)
    finished = ("ready", "failed")
    while time.perf_counter() - start < timeout:
        with scopes_disabled():
            builds = ReportBuild.objects.filter(
                report__year=year, report__semester=semester, created_at__gte=requested_after
            )
            pending = builds.exclude(status__in=finished).count()
            regional = RegionalReport.objects.get(pk=regional.pk)
        if pending == 0 and regional.status in finished:
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - start
    with scopes_disabled():
        statuses = dict(
            builds.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
    return {
        "semester": f"{year}-S{semester}",
        "slsp_reports": count,
        "statuses": statuses,
        "regional": regional.status,
        "seconds": elapsed,
        "timed_out": elapsed >= timeout,
    }


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "one"
    OUT.mkdir(parents=True, exist_ok=True)
    mods = _services()
    if mods is None:
        result = {"available": False}
        print(f"reports ({mode}): not available (apps.reports has no build service)")
    elif mode == "one":
        result = one(mods)
        print(
            f"one SLSP semestrial report ({result['slsp']}, {result['semester']}): "
            f"{result['seconds']:.2f} s, {result['status']}, {result['size'] or 0:,} bytes "
            "(target <= 3 s)"
        )
    else:
        result = all_reports(mods)
        print(
            f"all {result['slsp_reports']} SLSP reports + regional ({result['semester']}), "
            f"two worker processes: {result['seconds']:.1f} s, builds {result['statuses']}, "
            f"regional {result['regional']} (target <= 180 s)"
        )
    (OUT / f"reports_{mode}.json").write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
