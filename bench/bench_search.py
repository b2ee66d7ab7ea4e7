"""The header's search on the scale dataset, as ratios to the framework floor (target:
p95 within 5x). Run alone, after bench/run.py has seeded slsp_scale:

    set -a; eval "$(.venv/bin/python bench/scale_env.py)"; set +a
    DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH=bench \\
        .venv/bin/python bench/bench_search.py [repeats]

Queries as people type them by a référent of the largest SLSP (partners: the whole
regional directory): a member first name first with a typo, a reference
written without its dash and leading zeros, an address, a partner, a common word that
matches hundreds of rows, and the household list searched the same way.
Measured like bench_pages.py: full Django stack in-process, interleaved with the floor.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from urllib.parse import urlencode

from bench_pages import (  # noqa: E402  (sets Django up)
    BENCH_DIR,
    DEFAULT_TARGET,
    Path,
    _slsp_by_size,
    client_for,
    p95,
    print_results,
    query_count,
    timed_get,
)
from django.urls import reverse  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from apps.partners.models import Partner  # noqa: E402
from apps.slsps.scale import referent_email  # noqa: E402
from apps.tenants.models import LastTenancy, Member  # noqa: E402


def _typo(word: str) -> str:
    """The word with its last letter changed, as a hurried hand types it."""
    return word[:-1] + ("x" if word[-1] != "x" else "z")


def build_searches() -> tuple[list[tuple[str, str, str]], object]:
    largest, _smallest = _slsp_by_size()
    number = int(largest.official_name.rsplit(" ", 1)[1])
    ref = referent_email(number, 1)
    with scopes_disabled():
        member = (
            Member.objects.filter(slsp=largest)
            .select_related("household")
            .order_by("pk")[len("bench") * 37]
        )
        unit = (
            LastTenancy.objects.filter(slsp=largest).select_related("unit").order_by("pk")[101].unit
        )
        partner = Partner.objects.order_by("pk")[1234]
    reference = member.household.reference  # e.g. "E06-000803"
    prefix, digits = reference.split("-", 1)
    written_otherwise = f"{prefix.lower()} {int(digits)}"
    search = reverse("core:search")
    households = reverse("tenants:households")
    queries = [
        ("first name first, typo", ref, f"{member.first_name} {_typo(member.last_name)}"),
        ("reference written otherwise", ref, written_otherwise),
        ("address", ref, unit.address.lower()),
        ("partner name", ref, partner.name.split(" ", 1)[-1]),
        ("common word (many matches)", ref, "rue"),
        ("full partner name", ref, partner.name),
    ]
    rows = [
        (f"search: {label}", email, f"{search}?{urlencode({'q': q})}")
        for label, email, q in queries
    ]
    rows.append(
        (
            "household list: first name first, typo",
            ref,
            f"{households}?{urlencode({'q': queries[0][2]})}",
        )
    )
    return rows, largest


def run(repeats: int = 30, warmup: int = 3) -> dict:
    searches, largest = build_searches()
    floor_url = reverse("bench_floor")
    floor_client = client_for(searches[0][1])
    for _ in range(warmup):
        timed_get(floor_client, floor_url)
        for _label, email, url in searches:
            timed_get(client_for(email), url)
    samples: dict[str, list[float]] = {label: [] for label, *_ in searches}
    floor = []
    for _ in range(repeats):
        for label, email, url in searches:
            floor.append(timed_get(floor_client, floor_url))
            samples[label].append(timed_get(client_for(email), url))
    floor_p95 = p95(floor)
    floor_median = statistics.median(floor)
    results = {
        "floor": {
            "median_ms": floor_median * 1000,
            "p95_ms": floor_p95 * 1000,
            "queries": query_count(floor_client, floor_url),
        },
        "largest_slsp": str(largest),
        "smallest_slsp": "—",
        "pages": [],
    }
    for label, email, url in searches:
        values = samples[label]
        results["pages"].append(
            {
                "page": label,
                "url": url,
                "median_ms": statistics.median(values) * 1000,
                "p95_ms": p95(values) * 1000,
                "ratio_p95": p95(values) / floor_p95,
                "ratio_median": statistics.median(values) / floor_median,
                "target": DEFAULT_TARGET,
                "ok": p95(values) / floor_p95 <= DEFAULT_TARGET,
                "queries": query_count(client_for(email), url),
                "queries_small": None,
            }
        )
    return results


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    data = run(repeats)
    print_results(data)
    for row in data["pages"]:
        print(f"  {row['page']}: {row['url']}")
    target = Path(os.environ.get("BENCH_OUT", BENCH_DIR.parent / "var" / "bench"))
    target.mkdir(parents=True, exist_ok=True)
    (target / "search.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
