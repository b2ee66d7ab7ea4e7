"""Server-side time of the key pages on the scale dataset, as ratios to the framework floor.

Run through bench/run.py (it sets the slsp_scale database and bench_settings), or:
    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=bench \\
        .venv/bin/python bench/bench_pages.py [repeats]

Each request goes through Django's full stack in-process (test Client, force_login):
middleware, scope, view, queries, template. Pages and the floor are measured in
interleaved rounds, so a burst of load on the shared machine hits both alike.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from apps.accompaniment.models import Moment  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from apps.calls.models import Call, CallStatus  # noqa: E402
from apps.slsps.models import Slsp  # noqa: E402
from apps.slsps.scale import COORDINATOR_EMAIL, juror_email, referent_email, scale_name  # noqa: E402
from apps.tenants.models import Household  # noqa: E402

DEFAULT_TARGET = 5.0  # p95 within 5x the floor
REGIONAL_TARGET = 10.0  # dashboard and drill-down within 10x


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _slsp_by_size():
    """(largest, smallest) scale SLSPs by household count."""
    with scopes_disabled():
        rows = list(
            Household.objects.filter(slsp__official_name__startswith=scale_name(1)[:-2])
            .values("slsp_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "slsp_id")
        )
        largest = Slsp.objects.get(pk=rows[0]["slsp_id"])
        smallest = Slsp.objects.get(pk=rows[-1]["slsp_id"])
    return largest, smallest


def _number(slsp) -> int:
    return int(slsp.official_name.rsplit(" ", 1)[1])


def _busiest_household(slsp):
    with scopes_disabled():
        row = (
            Moment.objects.filter(slsp=slsp)
            .values("household_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "household_id")
            .first()
        )
        return Household.objects.get(pk=row["household_id"]), row["n"]


def _maybe(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def build_pages():
    """(label, user e-mail, URL, target ratio, comparable URL for the smallest SLSP)."""
    largest, smallest = _slsp_by_size()
    big, small = _number(largest), _number(smallest)
    household, moments = _busiest_household(largest)
    small_household, _ = _busiest_household(smallest)
    with scopes_disabled():
        juror_call = Call.objects.filter(status=CallStatus.REVIEW).order_by("pk").first()
        ranked_call = Call.objects.filter(status=CallStatus.DELIBERATION).order_by("pk").first()
        calls = list(Call.objects.order_by("pk").values_list("pk", flat=True))
    juror = juror_email(calls.index(juror_call.pk) * 7 + 1)
    ref, ref_small = referent_email(big, 1), referent_email(small, 1)
    search = "?q=Lambert&category=social&ordering=nom"
    pages = [
        ("référent home", ref, reverse("core:home"), ref_small, reverse("core:home")),
        (
            "household list",
            ref,
            reverse("tenants:households"),
            ref_small,
            reverse("tenants:households"),
        ),
        (
            "household list (filters+search)",
            ref,
            reverse("tenants:households") + search,
            ref_small,
            reverse("tenants:households") + search,
        ),
        (
            f"household page ({moments} moments)",
            ref,
            reverse("tenants:household", kwargs={"uuid": household.uuid}),
            ref_small,
            reverse("tenants:household", kwargs={"uuid": small_household.uuid}),
        ),
        (
            "follow-up list",
            ref,
            reverse("accompaniment:follow_ups"),
            ref_small,
            reverse("accompaniment:follow_ups"),
        ),
        (
            "partner directory (my network)",
            ref,
            reverse("partners:directory") + "?network=oui",
            ref_small,
            reverse("partners:directory") + "?network=oui",
        ),
    ]
    partner_network = _maybe("accompaniment:network_slsp", uuid=largest.uuid)
    if partner_network:
        pages.append(
            (
                "partner network (referrals per partner)",
                ref,
                partner_network,
                ref_small,
                _maybe("accompaniment:network_slsp", uuid=smallest.uuid),
            )
        )
    network = _maybe("slsps:network")
    if network:
        pages.append(("référents' network", ref, network, ref_small, network))
    pages += [
        (
            "SWL dashboard (reports:region)",
            COORDINATOR_EMAIL,
            reverse("reports:region"),
            None,
            None,
        ),
        (
            "SLSP drill-down (reports:slsp_overview)",
            COORDINATOR_EMAIL,
            reverse("reports:slsp_overview", kwargs={"uuid": largest.uuid}),
            COORDINATOR_EMAIL,
            reverse("reports:slsp_overview", kwargs={"uuid": smallest.uuid}),
        ),
        ("juror's dossier list", juror, reverse("calls:jury_list"), None, None),
        (
            "ranking (calls:ranking)",
            COORDINATOR_EMAIL,
            reverse("calls:ranking", kwargs={"uuid": ranked_call.uuid}),
            None,
            None,
        ),
    ]
    regional = {"SWL dashboard (reports:region)", "SLSP drill-down (reports:slsp_overview)"}
    return (
        [
            (label, email, url, REGIONAL_TARGET if label in regional else DEFAULT_TARGET, se, su)
            for label, email, url, se, su in pages
        ],
        largest,
        smallest,
    )


_clients: dict[str, Client] = {}


def pass_second_factor(client: Client, user: User) -> None:
    """Coordinators and admins give a one-time code at sign-in: mark the session as
    having given it (as django_otp.login does), with their device, made if none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import otp

    if not otp.is_required_for(user):
        return
    device = otp.confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def client_for(email: str) -> Client:
    if email not in _clients:
        client = Client()
        user = User.objects.get(email=email)
        client.force_login(user)
        pass_second_factor(client, user)
        _clients[email] = client
    return _clients[email]


def timed_get(client, url) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def run(repeats: int = 30, warmup: int = 3) -> dict:
    pages, largest, smallest = build_pages()
    floor_url = reverse("bench_floor")
    floor_client = client_for(pages[0][1])
    for _ in range(warmup):
        timed_get(floor_client, floor_url)
        for _label, email, url, *_ in pages:
            timed_get(client_for(email), url)
    samples = {label: [] for label, *_ in pages}
    floor = []
    for _ in range(repeats):
        for label, email, url, *_ in pages:
            floor.append(timed_get(floor_client, floor_url))
            samples[label].append(timed_get(client_for(email), url))
    floor_median, floor_p95 = statistics.median(floor), p95(floor)
    results = {
        "floor": {
            "median_ms": floor_median * 1000,
            "p95_ms": floor_p95 * 1000,
            "queries": query_count(floor_client, floor_url),
        },
        "pages": [],
        "largest_slsp": str(largest),
        "smallest_slsp": str(smallest),
    }
    for label, email, url, target, small_email, small_url in pages:
        values = samples[label]
        queries = query_count(client_for(email), url)
        small_queries = query_count(client_for(small_email), small_url) if small_email else None
        results["pages"].append(
            {
                "page": label,
                "url": url,
                "median_ms": statistics.median(values) * 1000,
                "p95_ms": p95(values) * 1000,
                "ratio_p95": p95(values) / floor_p95,
                "ratio_median": statistics.median(values) / floor_median,
                "target": target,
                "ok": p95(values) / floor_p95 <= target,
                "queries": queries,
                "queries_small": small_queries,
            }
        )
    return results


def print_results(results: dict, out=sys.stdout) -> None:
    floor = results["floor"]
    out.write(
        f"Framework floor (base template, signed in): median {floor['median_ms']:.1f} ms, "
        f"p95 {floor['p95_ms']:.1f} ms, {floor['queries']} queries\n"
    )
    out.write(
        f"Largest SLSP: {results['largest_slsp']}; smallest: {results['smallest_slsp']} "
        "(queries compared between them)\n"
    )
    header = (
        f"{'page':<42} {'median':>8} {'p95':>8} {'x floor':>8} {'target':>7} "
        f"{'queries':>8} {'small':>6}  ok\n"
    )
    out.write(header)
    for row in results["pages"]:
        small = "—" if row["queries_small"] is None else str(row["queries_small"])
        out.write(
            f"{row['page']:<42} {row['median_ms']:>6.1f}ms {row['p95_ms']:>6.1f}ms "
            f"{row['ratio_p95']:>7.1f}x {row['target']:>6.0f}x {row['queries']:>8} {small:>6}  "
            f"{'yes' if row['ok'] else 'NO'}\n"
        )


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    data = run(repeats)
    print_results(data)
    target = Path(os.environ.get("BENCH_OUT", BENCH_DIR.parent / "var" / "bench"))
    target.mkdir(parents=True, exist_ok=True)
    (target / "pages.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
