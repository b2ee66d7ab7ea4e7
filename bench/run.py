"""`make bench`: the whole scale benchmark, on its own database, and bench/RESULTS.md.

Steps (each prints its figures):
 1. slsp_scale database: create, migrate, `seed_scale` when empty (timed);
 2. page timings vs the framework floor, query counts (bench_pages.py);
 3. one SLSP's semestrial report in-process, then all of them + the regional report
    through a Celery worker with two processes (bench_reports.py);
 4. import of 20,000 rows (bench_import.py, on the scale database);
 5. gunicorn on a free loopback port: Largest Contentful Paint in Chromium
    (bench_lcp.py), then locust with 136 référents for 2 minutes (locustfile.py);
 6. peak memory (RSS) of the web and worker processes, sampled throughout;
 7. with --during-builds: "during builds", the same load test at a référent's real
    pace (30 users, a click every 10 to 30 s), once alone, then again while a Celery
    worker at `nice 10` (as in docker-compose.yml) builds all 68 semestrial PDFs and the
    regional report, round after round for the whole run; per request, p95 during
    builds ÷ p95 alone against the target of 2×.

Options: --quick (fewer repeats, 30 s of load) for development; --skip-load;
--during-builds (adds step 7); --during-builds-only (steps 1 and 7 only);
--builds-worker-cpus 1 (step 7's worker confined to those cores, as `cpus` in compose).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = ROOT / "var" / "bench"
PY = sys.executable
sys.path.insert(0, str(BENCH))

from scale_env import scale_env  # noqa: E402


def sh(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RssSampler(threading.Thread):
    """Peak resident memory of a process tree (master + workers), sampled every 0.25 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak_total = 0
        self.peak_single = 0
        self.stopped = threading.Event()

    def run(self):
        import psutil

        while not self.stopped.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                sizes = []
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        sizes.append(p.memory_info().rss)
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_single = max(self.peak_single, max(sizes, default=0))
            except psutil.Error:
                pass
            self.stopped.wait(0.25)

    def stop(self) -> dict:
        self.stopped.set()
        self.join(2)
        return {
            "peak_total_mb": self.peak_total / 2**20,
            "peak_process_mb": self.peak_single / 2**20,
        }


@contextlib.contextmanager
def process(args, env, log: Path):
    """A server process in its own process group, ended (group only) on exit."""
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            yield proc, sampler
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            sampler.stopped.set()


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback URL we built)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 2**20
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(ram, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_at_start": os.getloadavg(),
    }


def locust_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    out = {}
    for row in rows:
        out[row["Name"]] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "p99_ms": float(row["99%"] or 0),
            "rps": float(row["Requests/s"] or 0),
        }
    return out


def run_locust(
    env: dict[str, str],
    base: str,
    prefix: Path,
    users: int,
    spawn_rate: str,
    duration: str,
) -> dict:
    """One headless locust run against `base`; its output lands in `prefix`.out."""
    locust = subprocess.run(
        [
            PY,
            "-m",
            "locust",
            "-f",
            "bench/locustfile.py",
            "--headless",
            "-u",
            str(users),
            "-r",
            spawn_rate,
            "-t",
            duration,
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    Path(f"{prefix}.out").write_text(locust.stdout + locust.stderr)
    return {
        "users": users,
        "duration": duration,
        "exit": locust.returncode,
        "stats": locust_stats(prefix),
    }


def gunicorn_command(port: int) -> list[str]:
    return [
        PY,
        "-m",
        "gunicorn",
        "slsp_referent.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--threads",
        "2",
        "--timeout",
        "60",
        # Longer than a simulated user's pause (1-3 s): a connection the server closes
        # as the client reuses it would read as an error of the application.
        "--keep-alive",
        "10",
        "--log-level",
        "warning",
    ]


class BuildRounds(threading.Thread):
    """All SLSP reports + the regional report (bench_reports.py all), round after round
    until stopped: the load test that runs meanwhile never sees an idle worker."""

    def __init__(self, env: dict[str, str]):
        super().__init__(daemon=True)
        self.env = env
        self.rounds: list[dict] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            done = subprocess.run(
                [PY, "bench/bench_reports.py", "all"],
                env=self.env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                self.rounds.append({"error": done.stderr[-2000:]})
                return
            self.rounds.append(json.loads((OUT / "reports_all.json").read_text()))

    def stop(self) -> list[dict]:
        self.stopped.set()
        # The round under way finishes (its builds would otherwise stay queued).
        self.join(900)
        return self.rounds


def _cpu_list(text: str) -> set[int]:
    """taskset's list ("1", "0,2", "2-3") as CPU numbers."""
    cpus: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def during_builds(args: argparse.Namespace, env: dict[str, str]) -> dict:
    """Step 7: the load test alone, then while every report builds, on one gunicorn."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    duration = "60s" if args.quick else args.builds_duration
    # Pages start once every user has signed in: the burst of sign-ins (a CPU-second of
    # PBKDF2 each) is timed on its own row, the pages at the steady pace.
    load_env = dict(env, BENCH_WAIT=args.builds_wait, BENCH_SIGNIN_BARRIER=str(args.builds_users))
    # As docker-compose.yml runs it: below the web processes in the scheduler's eyes.
    # No more worker processes than the cores it is granted (docs/OPERATIONS.md, Sizing).
    cpus = args.builds_worker_cpus
    concurrency = len(_cpu_list(cpus)) if cpus else 2
    worker = ["nice", "-n", "10", PY, "-m", "celery", "-A", "slsp_referent", "worker"]
    worker += ["-c", str(concurrency), "-l", "WARNING"]
    label = f"celery -c {concurrency} at nice 10"
    if cpus:
        # The compose file's `cpus`/`cpuset`: the worker confined to the listed cores.
        worker = ["taskset", "-c", cpus, *worker]
        label += f", confined to CPU {cpus}"
    print(f"== 7. during builds: gunicorn on {base}, {label}", flush=True)
    with (
        process(gunicorn_command(port), env, OUT / "gunicorn_builds.log") as (_web, _web_rss),
        process(worker, env, OUT / "worker_builds.log") as (_worker, worker_rss),
    ):
        wait_http(base + "/sante/")
        # Discarded: the first minute fills the caches and the connection pools, which
        # would otherwise count against the phase that runs first.
        print(f"   warm-up: {args.builds_users} users, {args.builds_warmup}", flush=True)
        run_locust(
            load_env,
            base,
            OUT / "locust_warmup",
            args.builds_users,
            args.builds_spawn_rate,
            args.builds_warmup,
        )
        print(f"   load alone: {args.builds_users} users, {duration}", flush=True)
        alone = run_locust(
            load_env,
            base,
            OUT / "locust_alone",
            args.builds_users,
            args.builds_spawn_rate,
            duration,
        )
        rounds = BuildRounds(env)
        rounds.start()
        # Let the queue fill and both worker processes start laying out PDFs first.
        time.sleep(5)
        print(f"   load during builds: {args.builds_users} users, {duration}", flush=True)
        during = run_locust(
            load_env,
            base,
            OUT / "locust_builds",
            args.builds_users,
            args.builds_spawn_rate,
            duration,
        )
        built = rounds.stop()
        memory = worker_rss.stop()
    rows = []
    for name, row in during["stats"].items():
        before = alone["stats"].get(name)
        if before is None:
            continue
        ratio = row["p95_ms"] / before["p95_ms"] if before["p95_ms"] else None
        rows.append(
            {
                "request": name,
                "p95_alone_ms": before["p95_ms"],
                "p95_builds_ms": row["p95_ms"],
                "p50_alone_ms": before["p50_ms"],
                "p50_builds_ms": row["p50_ms"],
                "requests_alone": before["requests"],
                "requests_builds": row["requests"],
                "failures": before["failures"] + row["failures"],
                "ratio_p95": ratio,
                "ok": ratio is not None and ratio <= args.builds_target,
            }
        )
    result = {
        "users": args.builds_users,
        "wait": args.builds_wait,
        "spawn_rate": args.builds_spawn_rate,
        "duration": duration,
        "warmup": args.builds_warmup,
        "target": args.builds_target,
        "worker": label,
        "alone": alone,
        "builds": during,
        "rounds": built,
        "worker_memory": memory,
        "rows": rows,
    }
    (OUT / "during_builds.json").write_text(json.dumps(result, indent=2, default=str))
    return result


def measure_search(args: argparse.Namespace, env: dict[str, str]) -> dict:
    """Step 2b: the header's search and the household list searched, against the floor."""
    print("== 2b. search vs the framework floor", flush=True)
    sh([PY, "bench/bench_search.py", "10" if args.quick else "30"], env)
    return json.loads((OUT / "search.json").read_text())


def seed_database(args: argparse.Namespace, env: dict[str, str], summary: dict) -> None:
    """Step 1: migrate the scale database and seed it when empty (timed)."""
    manage = [PY, "manage.py"]
    print("== 1. scale database", flush=True)
    sh([*manage, "migrate", "-v", "0"], env)
    start = time.perf_counter()
    seeded = sh(
        [*manage, "seed_scale", "--if-empty", "--scale", args.scale],
        env,
        capture_output=True,
        text=True,
    )
    seed_seconds = time.perf_counter() - start
    print(seeded.stdout.strip().splitlines()[0] if seeded.stdout.strip() else "")
    summary["seed"] = {
        "ran": "already present" not in seeded.stdout,
        "seconds": seed_seconds,
        "output": seeded.stdout.strip().splitlines()[:1],
    }


def during_builds_only(args: argparse.Namespace, env: dict[str, str], summary: dict) -> None:
    """Step 7 alone. With an earlier full run's summary, its figures are kept and
    RESULTS.md rewritten; without one, only var/bench/during_builds.md is written (a
    partial run never replaces the committed RESULTS.md)."""
    from results import during_builds_lines, write_results

    sh([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    result = during_builds(args, env)
    previous_path = OUT / "summary.json"
    if previous_path.exists():
        previous = json.loads(previous_path.read_text())
        previous["started"] = datetime.datetime.fromisoformat(previous["started"])
        previous["during_builds"] = result
        previous["machine"]["load_at_during_builds"] = os.getloadavg()
        previous_path.write_text(json.dumps(previous, indent=2, default=str))
        command = "make bench, then BENCH_ARGS=--during-builds-only make bench"
        print("\n" + write_results(previous, BENCH / "RESULTS.md", command))
        return
    text = "\n".join(during_builds_lines(result, summary["machine"])) + "\n"
    (OUT / "during_builds.md").write_text(text)
    print("\n" + text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="re-measure the pages only and rewrite RESULTS.md with the last other figures",
    )
    parser.add_argument("--scale", default="1.0")
    parser.add_argument("--users", type=int, default=136)
    # Sign-ins hash passwords (PBKDF2, ~1 s of CPU each here): référents arrive two per
    # second (68 s for 136), then all of them work for 2 minutes.
    parser.add_argument("--spawn-rate", default="2")
    parser.add_argument("--duration", default="190s")
    parser.add_argument("--during-builds", action="store_true", help="add step 7")
    parser.add_argument(
        "--during-builds-only",
        action="store_true",
        help="steps 1 and 7 only; merged into the last summary when there is one",
    )
    # A référent's real pace: a click every 10 to 30 s; all 30 sign in within a second.
    parser.add_argument("--builds-users", type=int, default=30)
    parser.add_argument("--builds-wait", default="10,30", help="pause between clicks: min,max s")
    parser.add_argument("--builds-spawn-rate", default="30")
    parser.add_argument("--builds-duration", default="240s")
    parser.add_argument("--builds-warmup", default="60s", help="discarded load before both")
    parser.add_argument("--builds-target", type=float, default=2.0)
    parser.add_argument(
        "--builds-worker-cpus", default="", help="taskset CPU list for the worker, e.g. 1"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    summary: dict = {"machine": machine(), "started": datetime.datetime.now(datetime.UTC)}
    env = dict(os.environ)
    env.update(scale_env())
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(BENCH), str(ROOT)])
    env["BENCH_OUT"] = str(OUT)
    manage = [PY, "manage.py"]

    if args.pages_only:
        previous = json.loads((OUT / "summary.json").read_text())
        print("== 2. pages vs the framework floor (pages only)", flush=True)
        sh([PY, "bench/bench_pages.py", "10" if args.quick else "30"], env)
        previous["pages"] = json.loads((OUT / "pages.json").read_text())
        previous["search"] = measure_search(args, env)
        previous["machine"]["load_at_pages"] = os.getloadavg()
        previous["started"] = datetime.datetime.fromisoformat(previous["started"])
        (OUT / "summary.json").write_text(json.dumps(previous, indent=2, default=str))
        from results import write_results

        command = "make bench, then BENCH_ARGS=--pages-only make bench"
        print("\n" + write_results(previous, BENCH / "RESULTS.md", command))
        return

    seed_database(args, env, summary)
    if args.during_builds_only:
        during_builds_only(args, env, summary)
        return

    sh([*manage, "collectstatic", "--noinput", "-v", "0"], env)

    print("== 2. pages vs the framework floor", flush=True)
    sh([PY, "bench/bench_pages.py", "10" if args.quick else "30"], env)
    summary["pages"] = json.loads((OUT / "pages.json").read_text())
    summary["search"] = measure_search(args, env)

    print("== 3. semestrial reports", flush=True)
    sh([PY, "bench/bench_reports.py", "one"], env)
    worker_env = dict(env)
    celery = [PY, "-m", "celery", "-A", "slsp_referent", "worker", "-c", "2", "-l", "WARNING"]
    with process(celery, worker_env, OUT / "worker.log") as (_worker, worker_rss):
        time.sleep(3)
        sh([PY, "bench/bench_reports.py", "all"], env)
        summary["worker_memory"] = worker_rss.stop()
    for mode in ("one", "all"):
        summary[f"reports_{mode}"] = json.loads((OUT / f"reports_{mode}.json").read_text())

    print("== 4. import of 20,000 rows", flush=True)
    imported = sh([PY, "bench/bench_import.py", "20000"], env, capture_output=True, text=True)
    print(imported.stdout.strip())
    summary["import"] = imported.stdout.strip()

    if not args.skip_load:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(f"== 5. gunicorn on {base}: LCP and load test", flush=True)
        gunicorn = gunicorn_command(port)
        with process(gunicorn, env, OUT / "gunicorn.log") as (_web, web_rss):
            wait_http(base + "/sante/")
            sh([PY, "bench/bench_lcp.py", base], env)
            summary["lcp"] = json.loads((OUT / "lcp.json").read_text())
            prefix = OUT / "locust"
            duration = "30s" if args.quick else args.duration
            summary["locust"] = run_locust(env, base, prefix, args.users, args.spawn_rate, duration)
            summary["web_memory"] = web_rss.stop()
    if args.during_builds:
        summary["during_builds"] = during_builds(args, env)
    summary["finished"] = datetime.datetime.now(datetime.UTC)
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    from results import write_results

    text = write_results(summary, BENCH / "RESULTS.md", " ".join(["make bench", *sys.argv[1:]]))
    print("\n" + text)


if __name__ == "__main__":
    main()
