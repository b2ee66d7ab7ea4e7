"""Write bench/RESULTS.md from the summary bench/run.py collected."""

from __future__ import annotations

from pathlib import Path


def _ok(flag) -> str:
    return "yes" if flag else "**no**"


def during_builds_lines(d: dict, machine: dict | None = None) -> list[str]:
    """The "during builds" section: each request's p95 alone and while every report
    builds, and their ratio against the target."""
    low, high = d["wait"].split(",")
    lines = [
        "",
        f"## During builds: {d['users']} référents (a click every {low} to {high} s, "
        f"arriving {d['spawn_rate']} a second), {d['duration']} alone, then "
        f"{d['duration']} while every report builds, after {d.get('warmup', 'no')} of "
        "discarded warm-up",
        "",
        f"Worker: {d['worker']}, building all SLSP reports + the regional report round "
        "after round during the second run; gunicorn 3 workers × 2 threads. Users sign "
        "in together (the `login` row), then browse once all are signed in. Target: p95 "
        f"during builds ≤ {d['target']:g}× p95 alone.",
    ]
    if machine:
        lines.append(
            f"Machine: {machine['nproc']} CPUs, load average at start "
            f"{', '.join(f'{x:.1f}' for x in machine['load_at_start'])}."
        )
    rounds = [r for r in d.get("rounds", []) if "seconds" in r]
    if rounds:
        times = ", ".join(f"{r['seconds']:.0f} s" for r in rounds)
        lines.append(
            f"Build rounds during the load: {len(rounds)} ({times} each; "
            f"{rounds[0]['slsp_reports']} SLSP reports + regional, statuses "
            f"{rounds[-1]['statuses']})."
        )
    for r in d.get("rounds", []):
        if "error" in r:
            lines.append(f"A build round failed: `{r['error'][-300:]}`.")
    lines += [
        "",
        "| request | count alone / during | p50 alone → during | p95 alone | p95 during "
        "| ratio | holds |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in d["rows"]:
        ratio = "—" if row["ratio_p95"] is None else f"{row['ratio_p95']:.2f}×"
        # The aggregate mixes sign-ins with pages: shown, not judged.
        holds = "—" if row["request"] == "Aggregated" else _ok(row["ok"])
        lines.append(
            f"| {row['request']} | {row['requests_alone']} / {row['requests_builds']} | "
            f"{row['p50_alone_ms']:.0f} → {row['p50_builds_ms']:.0f} ms | "
            f"{row['p95_alone_ms']:.0f} ms | {row['p95_builds_ms']:.0f} ms | {ratio} | "
            f"{holds} |"
        )
    failures = sum(row["failures"] for row in d["rows"] if row["request"] != "Aggregated")
    lines.append("")
    lines.append(f"Failures over both runs: {failures}.")
    return lines


def write_results(s: dict, path: Path, command: str) -> str:
    m = s["machine"]
    lines = [
        "# Scale benchmark: latest figures",
        "",
        f"Produced by `{command}` (bench/run.py), started {s['started']:%Y-%m-%d %H:%M} UTC."
        if hasattr(s["started"], "strftime")
        else f"Produced by `{command}` (bench/run.py).",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; "
        f"load average at start {', '.join(f'{x:.1f}' for x in m['load_at_start'])} "
        "(the machine is shared: figures are ratios to a floor measured in the same run).",
        "",
        "Dataset: `seed_scale` (68 SLSPs, 100,000 households, 30,000 follow-ups, "
        "1,000,000 moments, 3,000 partners, 40,000 referrals, 3,000 collective actions, "
        "10 calls × 60 dossiers × 7 jurors) in the `slsp_scale` database.",
        "",
    ]
    seed = s.get("seed", {})
    if seed.get("ran"):
        lines.append(f"Seed: {' '.join(seed.get('output', []))} (target < 600 s).")
    else:
        lines.append("Seed: dataset already present (seed time: see the seed run noted below).")
    lines += ["", "## Pages (server side, in-process Django client, signed in)", ""]
    pages = s.get("pages", {})
    floor = pages.get("floor", {})
    lines.append(
        f"Framework floor (signed-in view rendering `base.html`): median "
        f"{floor.get('median_ms', 0):.1f} ms, p95 {floor.get('p95_ms', 0):.1f} ms, "
        f"{floor.get('queries', 0)} queries. Query counts are compared between the largest "
        f"({pages.get('largest_slsp')}) and smallest ({pages.get('smallest_slsp')}) SLSP."
    )
    lines += [
        "",
        "| page | median | p95 | p95 ÷ floor p95 | target | queries (large / small SLSP) | holds |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in pages.get("pages", []):
        small = "—" if row["queries_small"] is None else row["queries_small"]
        lines.append(
            f"| {row['page']} | {row['median_ms']:.1f} ms | {row['p95_ms']:.1f} ms | "
            f"{row['ratio_p95']:.1f}× | {row['target']:.0f}× | {row['queries']} / {small} | "
            f"{_ok(row['ok'])} |"
        )
    search = s.get("search", {})
    if search:
        lines += [
            "",
            "## Search (a référent of the largest SLSP; bench/bench_search.py)",
            "",
            f"Floor of this step: median {search['floor']['median_ms']:.1f} ms, p95 "
            f"{search['floor']['p95_ms']:.1f} ms.",
            "",
            "| search | median | p95 | p95 ÷ floor p95 | target | queries | holds |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for row in search["pages"]:
            lines.append(
                f"| {row['page']} | {row['median_ms']:.1f} ms | {row['p95_ms']:.1f} ms | "
                f"{row['ratio_p95']:.1f}× | {row['target']:.0f}× | {row['queries']} | "
                f"{_ok(row['ok'])} |"
            )
    lines += ["", "## Reports, import, browser", ""]
    one, every = s.get("reports_one", {}), s.get("reports_all", {})
    if one.get("available") is False:
        lines.append("- Semestrial reports: not available (no build service).")
    else:
        lines.append(
            f"- One SLSP's semestrial PDF ({one.get('slsp')}, {one.get('semester')}): "
            f"{one.get('seconds', 0):.2f} s (target ≤ 3 s: {_ok(one.get('seconds', 99) <= 3)})."
        )
        lines.append(
            f"- All {every.get('slsp_reports')} SLSP reports + the regional report, Celery "
            f"worker with two processes: {every.get('seconds', 0):.1f} s, builds "
            f"{every.get('statuses')}, regional {every.get('regional')} (target ≤ 180 s: "
            f"{_ok(every.get('seconds', 999) <= 180 and not every.get('timed_out'))})."
        )
    lines.append(f"- Import of 20,000 rows (target ≤ 60 s apply): `{s.get('import', '')}`.")
    for label, lcp in s.get("lcp", {}).items():
        lines.append(
            f"- LCP {label}: median {lcp['median_ms']:.0f} ms, max {lcp['max_ms']:.0f} ms "
            f"(target < 1000 ms: {_ok(lcp['ok'])})."
        )
    if "locust" in s:
        loc = s["locust"]
        lines += [
            "",
            f"## Load test: {loc['users']} référents, {loc['duration']}, gunicorn "
            "(3 workers × 2 threads) on loopback",
            "",
            "| request | count | failures | p50 | p95 | p99 | req/s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, row in loc["stats"].items():
            lines.append(
                f"| {name} | {row['requests']} | {row['failures']} | {row['p50_ms']:.0f} ms | "
                f"{row['p95_ms']:.0f} ms | {row['p99_ms']:.0f} ms | {row['rps']:.1f} |"
            )
    if "during_builds" in s:
        lines += during_builds_lines(s["during_builds"])
    lines += ["", "## Memory (peak RSS)", ""]
    for key, label in (("web_memory", "web (gunicorn)"), ("worker_memory", "worker (Celery)")):
        if key in s:
            mem = s[key]
            lines.append(
                f"- {label}: {mem['peak_total_mb']:.0f} MB for the whole process tree, "
                f"{mem['peak_process_mb']:.0f} MB for the largest process."
            )
    text = "\n".join(lines) + "\n"
    notes = path.with_name("NOTES.md")
    if notes.exists():
        text += "\n" + notes.read_text()
    path.write_text(text)
    return text
