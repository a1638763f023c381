"""`make bench`: what the final submit costs next to a bare INSERT, and whole journeys per second.

For each database (a fresh SQLite file, a fresh PostgreSQL database) this migrates, loads the taxonomy and
agencies, starts gunicorn (same workers for every figure) with bench/benchsite on top of the project, and
measures at each concurrency:

  bare    POST /bench/bare-insert: one INSERT in a transaction, same server and middleware;
  (a)     POST /en/report/check/ on drafts prepared beforehand, so only the submit itself is timed;
  (b)     whole journeys: start, every step, check page, submit, confirmation.

(a) and bare are repeated, interleaved, and the median of the per-repeat ratios is reported. Then, on
PostgreSQL only, the staff phase (bench/staffpages.py): staff queue, overdue list and case page with 300,000
cases, against a bare one-row read. Results go to bench/results/bench-<timestamp>.json. Exit status 1
only when something broke (a 5xx, an unexpected page, a server that did not start, a setup command that
failed); missing a performance target is not a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import loadgen
import staffpages

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"

TARGET_THROUGHPUT_RATIO = 0.6  # (a) throughput / bare throughput must be at least this
TARGET_P95_RATIO = 2.0  # (a) p95 / bare p95 must be at most this

PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://root@127.0.0.1:5432/postgres")
PG_DATABASE = os.environ.get("BENCH_POSTGRES_DB", "standtogether_bench")
PG_START_HINT = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


class Broken(Exception):
    """Something the benchmark depends on failed; the message says what, for the final report."""


def log(message: str) -> None:
    print(message, flush=True)


# --- setup ------------------------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run manage.py with the bench settings; a failure stops this database's run with the error text."""
    command = [str(PYTHON), "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise Broken(f"manage.py {' '.join(args)[:60]} failed:\n    " + "\n    ".join(tail))
    return done.stdout


def last_json_line(output: str) -> dict[str, Any]:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise Broken(f"expected a JSON summary, got: {output[-300:]!r}")


def prepare_database(env: dict[str, str]) -> dict[str, Any]:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "load_taxonomy")
    return last_json_line(manage(env, "shell", "-c", "from benchsite.bare import prepare; prepare()"))


def postgres_admin(statement: str) -> None:
    try:
        import psycopg
    except ImportError as exc:  # installed with the project (psycopg[binary]); say so plainly if not
        raise Broken("psycopg is not installed in this interpreter: run with .venv/bin/python") from exc
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)
    except psycopg.OperationalError as exc:
        raise Broken(
            f"PostgreSQL not reachable at {PG_ADMIN_URL} ({exc}); start it: {PG_START_HINT}"
        ) from exc


@contextmanager
def database(kind: str, workdir: Path, name: str = PG_DATABASE) -> Iterator[str]:
    """A fresh, empty database for one run; PostgreSQL's is dropped again afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    # FORCE: a gunicorn worker that is slow to exit must not keep the database alive.
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://root@127.0.0.1:5432/{name}"
    finally:
        try:
            postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Broken as exc:
            log(f"  warning: could not drop {name}: {exc}")


# --- server -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int, logfile: Path) -> Iterator[int]:
    """Serve the bench site like `make run` does (sync workers, no access log); yields the port."""
    port = free_port()
    command = [
        str(GUNICORN),
        "standtogether.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--pythonpath",
        "src,bench",
        "--error-logfile",
        "-",
        "--log-level",
        "warning",
    ]
    with logfile.open("ab") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_healthy(server, port, logfile)
        yield port
    finally:
        stop(server)


def wait_until_healthy(
    server: subprocess.Popen[bytes], port: int, logfile: Path, seconds: float = 30
) -> None:
    deadline = time.monotonic() + seconds
    for _attempt in range(int(seconds / 0.25) + 1):
        if server.poll() is not None:
            raise Broken(f"gunicorn exited with {server.returncode}:\n{tail(logfile)}")
        browser = loadgen.Browser(port, timeout=5)
        try:
            if browser.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            browser.close()
        if time.monotonic() > deadline:
            break
        time.sleep(0.25)
    raise Broken(f"gunicorn did not answer /healthz within {seconds:.0f} s:\n{tail(logfile)}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # graceful: the master stops its own workers
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group started for this server only
        server.wait(timeout=10)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- measurement ------------------------------------------------------------------------------------


class Tally:
    """Counts what should be in the database afterwards, and every failure, across all phases."""

    def __init__(self) -> None:
        self.submitted = 0
        self.bare = 0
        self.errors: list[str] = []

    def phase(self, name: str, result: loadgen.PhaseResult, kind: str) -> loadgen.PhaseResult:
        if kind == "bare":
            self.bare += len(result.latencies)
        else:
            self.submitted += len(result.latencies)
        for error in sorted(set(result.errors))[:5]:
            self.errors.append(f"{name}: {error} (x{result.errors.count(error)})")
        return result


def prepare_sessions(port: int, clients: int, per_client: int, threads: int) -> list[list[loadgen.Session]]:
    """Drafts at the check page, made beforehand and untimed: N per client."""
    browsers: list[loadgen.Browser] = []
    local = threading.local()

    def make(_index: int) -> loadgen.Session:
        if not hasattr(local, "browser"):
            local.browser = loadgen.Browser(port)
            browsers.append(local.browser)
        return loadgen.ready_session(local.browser)

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            made = list(pool.map(make, range(clients * per_client)))
    except (loadgen.BrokenResponse, OSError) as exc:
        raise Broken(f"preparing drafts for the submit benchmark failed: {exc}") from exc
    finally:
        for browser in browsers:
            browser.close()
    return [made[i * per_client : (i + 1) * per_client] for i in range(clients)]


def submit_task(sessions: list[list[loadgen.Session]], offset: int) -> loadgen.Task:
    def task(browser: loadgen.Browser, client: int, iteration: int) -> float:
        return loadgen.submit(browser, sessions[client][offset + iteration]).elapsed

    return task


def bare_task(browser: loadgen.Browser, _client: int, _iteration: int) -> float:
    return loadgen.bare_insert(browser).elapsed


def journey_task(browser: loadgen.Browser, _client: int, _iteration: int) -> float:
    began = time.perf_counter()
    loadgen.full_journey(browser)
    return time.perf_counter() - began


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def measure_concurrency(port: int, clients: int, options: argparse.Namespace, tally: Tally) -> dict[str, Any]:
    per_client = max(1, options.requests // clients)
    warmup = 1  # one request per client: connections, worker caches and the first ChainHead row exist
    budget = per_client + warmup
    log(f"  {clients} clients: preparing {clients * budget * options.repeats} drafts at the check page ...")
    sessions = prepare_sessions(port, clients, budget * options.repeats, threads=min(clients, 8))

    repeats = []
    for repeat in range(options.repeats):
        offset = repeat * budget
        figures: dict[str, Any] = {}
        # Alternate which runs first so neither always gets the warmer (or more fragmented) database.
        order = ["bare", "submit"] if repeat % 2 == 0 else ["submit", "bare"]
        for kind in order:
            name = f"{kind} c={clients} #{repeat + 1}"
            if kind == "bare":
                tally.phase(name + " warm-up", loadgen.run_phase(port, clients, warmup, 30, bare_task), kind)
                result = loadgen.run_phase(port, clients, per_client, options.phase_seconds, bare_task)
            else:
                warm = submit_task(sessions, offset)
                tally.phase(name + " warm-up", loadgen.run_phase(port, clients, warmup, 30, warm), kind)
                task = submit_task(sessions, offset + warmup)
                result = loadgen.run_phase(port, clients, per_client, options.phase_seconds, task)
            figures[kind] = loadgen.summarise(tally.phase(name, result, kind))
        bare, submit = figures["bare"], figures["submit"]
        figures["throughput_ratio"] = round(submit["per_s"] / bare["per_s"], 3) if bare["per_s"] else 0.0
        figures["p95_ratio"] = round(submit["p95_ms"] / bare["p95_ms"], 2) if bare["p95_ms"] else 0.0
        log(
            f"    #{repeat + 1}: bare {bare['per_s']:7.1f}/s p95 {bare['p95_ms']:6.1f} ms | "
            f"submit {submit['per_s']:6.1f}/s p95 {submit['p95_ms']:7.1f} ms | "
            f"ratio {figures['throughput_ratio']:.3f}, p95 x{figures['p95_ratio']:.1f}"
        )
        repeats.append(figures)

    journeys_per_client = max(1, options.journeys // clients)
    tally.phase(
        f"journey c={clients} warm-up", loadgen.run_phase(port, clients, 1, 60, journey_task), "journey"
    )
    result = loadgen.run_phase(port, clients, journeys_per_client, options.phase_seconds, journey_task)
    journey = loadgen.summarise(
        tally.phase(f"journey c={clients}", result, "journey"), loadgen.JOURNEY_REQUESTS
    )
    log(
        f"    journeys: {journey['per_s']:.2f}/s ({journey['requests_per_s']:.0f} req/s), "
        f"p50 {journey['p50_ms']:.0f} ms, p95 {journey['p95_ms']:.0f} ms"
    )

    def median(kind: str, key: str) -> float:
        return round(statistics.median(r[kind][key] for r in repeats), 2)

    throughput_ratio = round(statistics.median(r["throughput_ratio"] for r in repeats), 3)
    p95_ratio = round(statistics.median(r["p95_ratio"] for r in repeats), 2)
    return {
        "clients": clients,
        "requests_per_phase": per_client * clients,
        "bare": {key: median("bare", key) for key in ("per_s", "p50_ms", "p95_ms")},
        "submit": {key: median("submit", key) for key in ("per_s", "p50_ms", "p95_ms")},
        "throughput_ratio": throughput_ratio,
        "p95_ratio": p95_ratio,
        "throughput_target": verdict(throughput_ratio >= TARGET_THROUGHPUT_RATIO),
        "p95_target": verdict(p95_ratio <= TARGET_P95_RATIO),
        "repeats": repeats,
        "journeys": journey,
    }


def check_database(env: dict[str, str], tally: Tally) -> dict[str, Any]:
    """After the server stopped: every 302 made exactly one report, every 201 one row, audit chain intact."""
    counts = last_json_line(manage(env, "shell", "-c", "from benchsite.bare import counts; counts()"))
    problems = []
    if counts["reports"] != tally.submitted:
        problems.append(
            f"{counts['reports']} reports in the database for {tally.submitted} successful submits"
        )
    if counts["bare_rows"] != tally.bare:
        problems.append(f"{counts['bare_rows']} bench_bare rows for {tally.bare} successful bare inserts")
    try:
        # --skip-checks: the system checks import every URL, which is not what this step verifies.
        counts["audit"] = manage(env, "verify_audit", "--skip-checks").strip()
    except Broken as exc:
        problems.append(f"audit chain: {exc}")
    counts["problems"] = problems
    return counts


def bench_database(
    kind: str, workdir: Path, base_env: dict[str, str], options: argparse.Namespace
) -> dict[str, Any]:
    log(f"\n== {kind} ==")
    with database(kind, workdir) as url:
        env = {**base_env, "DATABASE_URL": url}
        began = time.monotonic()
        info = prepare_database(env)
        log(f"  set up in {time.monotonic() - began:.1f} s: {json.dumps(info)}")
        tally = Tally()
        by_clients: dict[str, Any] = {}
        with gunicorn(env, options.workers, workdir / f"gunicorn-{kind}.log") as port:
            for clients in options.concurrency:
                by_clients[str(clients)] = measure_concurrency(port, clients, options, tally)
        server_log = (workdir / f"gunicorn-{kind}.log").read_text(errors="replace")
        checks = check_database(env, tally)
    problems = tally.errors + checks.pop("problems")
    if kind == "sqlite" and (
        info.get("journal_mode") != "wal" or info.get("transaction_mode") != "IMMEDIATE"
    ):
        problems.append(f"SQLite is not configured as in base.py (WAL + IMMEDIATE): {info}")
    if "Traceback" in server_log or "WORKER TIMEOUT" in server_log:
        problems.append(f"gunicorn log shows errors:\n{tail(workdir / f'gunicorn-{kind}.log', 30)}")
    return {"database": info, "checks": checks, "concurrency": by_clients, "problems": problems}


# --- report -----------------------------------------------------------------------------------------


def print_summary(results: dict[str, Any]) -> None:
    if results["databases"]:
        print_submit_summary(results)
    if results.get("staff"):
        staffpages.print_summary(results["staff"], log)


def print_submit_summary(results: dict[str, Any]) -> None:
    log("\n== summary (medians of repeats; ratio = median of per-repeat ratios) ==")
    header = f"{'db':<11}{'clients':>7}  {'what':<16}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}"
    log(header)
    log("-" * len(header))
    for kind, outcome in results["databases"].items():
        for clients, row in outcome.get("concurrency", {}).items():
            journey = row["journeys"]
            for label, figures in (("bare INSERT", row["bare"]), ("(a) submit", row["submit"])):
                log(
                    f"{kind:<11}{clients:>7}  {label:<16}{figures['per_s']:>9.1f}"
                    f"{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}"
                )
            log(
                f"{kind:<11}{clients:>7}  {'(b) journeys':<16}{journey['per_s']:>9.2f}"
                f"{journey['p50_ms']:>9.0f}{journey['p95_ms']:>9.0f}"
                f"   ({journey['requests_per_s']:.0f} req/s)"
            )
            log(
                f"{'':<18}  (a)/bare throughput {row['throughput_ratio']:.3f} "
                f"(target >= {TARGET_THROUGHPUT_RATIO}: {row['throughput_target']}), "
                f"p95 x{row['p95_ratio']:.1f} (target <= {TARGET_P95_RATIO:g}x: {row['p95_target']})"
            )


def json_safe(value: Any) -> Any:
    """NaN (a phase where nothing succeeded) becomes null: NaN is not JSON."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--concurrency", default="8,32", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=320, help="measured requests per (a)/bare phase")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved (a)/bare pairs per concurrency")
    parser.add_argument("--journeys", type=int, default=128, help="measured journeys per concurrency")
    parser.add_argument("--phase-seconds", type=float, default=15.0, help="time cap of each measured phase")
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers (same for every figure)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs, SQLite file)"
    )
    staffpages.add_arguments(parser)
    options = parser.parse_args(argv)
    options.databases = [name.strip() for name in options.databases.split(",") if name.strip()]
    options.concurrency = [int(n) for n in options.concurrency.split(",") if n.strip()]
    unknown = set(options.databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    if options.staff_only and options.skip_staff:
        parser.error("--staff-only and --skip-staff exclude each other")
    if options.staff_only:
        options.databases = ["postgres"]
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    started = time.time()
    if not GUNICORN.exists():
        log(f"gunicorn not found next to {PYTHON}: run `make install` (or use .venv/bin/python)")
        return 1
    if not (ROOT / "src/standtogether/static/dist/standtogether.css").exists():
        log("the CSS bundle is missing: run `make assets` first")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="st-bench-"))
    base_env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "STANDTOGETHER_KEYS", "SECRET_KEY"}
        },
        "DJANGO_SETTINGS_MODULE": "benchsite.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(BENCH_DIR)]),
        "STANDTOGETHER_VAR_DIR": str(workdir / "var"),
        "DEBUG": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    results: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            # Other work on the machine moves every figure; recorded so two runs can be compared fairly.
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "config": {
            "workers": options.workers,
            "worker_class": "sync",
            "concurrency": options.concurrency,
            "requests_per_phase": options.requests,
            "repeats": options.repeats,
            "journeys": options.journeys,
            "phase_seconds": options.phase_seconds,
            "journey_requests": loadgen.JOURNEY_REQUESTS,
            "staff": {
                "cases": options.staff_cases,
                "clients": options.staff_clients,
                "requests_per_phase": options.staff_requests,
                "phase_seconds": options.staff_phase_seconds,
                "skipped": options.skip_staff or "postgres" not in options.databases,
            },
        },
        "targets": {
            "throughput_ratio_min": TARGET_THROUGHPUT_RATIO,
            "p95_ratio_max": TARGET_P95_RATIO,
            "staff_p95_ms_max": staffpages.TARGET_P95_MS,
        },
        "databases": {},
        "problems": [],
    }
    log(
        f"Stand Together benchmark: {options.workers} sync workers, "
        f"clients {options.concurrency}, in {workdir}"
    )
    try:
        # Static files once: DEBUG is off, so pages need the manifest exactly as in production.
        manage(
            {**base_env, "DATABASE_URL": f"sqlite:///{workdir / 'unused.sqlite3'}"},
            "collectstatic",
            "--noinput",
        )
        for kind in [] if options.staff_only else options.databases:
            try:
                outcome = bench_database(kind, workdir, base_env, options)
            except Broken as exc:
                outcome = {"problems": [str(exc)]}
            results["databases"][kind] = outcome
            results["problems"] += [f"{kind}: {problem}" for problem in outcome["problems"]]
        if "postgres" in options.databases and not options.skip_staff:
            try:
                outcome = staffpages.bench_staff(sys.modules[__name__], workdir, base_env, options)
            except Broken as exc:
                outcome = {"problems": [str(exc)]}
            results["staff"] = outcome
            results["problems"] += [f"staff: {problem}" for problem in outcome["problems"]]
    except Broken as exc:
        results["problems"].append(str(exc))
    except KeyboardInterrupt:
        results["problems"].append("interrupted")
    finally:
        if options.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    results["duration_s"] = round(time.time() - started, 1)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print_summary(results)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"bench-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(started))}.json"
    path.write_text(json.dumps(json_safe(results), indent=2, allow_nan=False) + "\n")
    machine = results["machine"]
    log(f"\nran in {results['duration_s']:.0f} s; results in {path.relative_to(ROOT)}")
    log(
        f"load average {machine['load_average_at_start'][0]} at start, "
        f"{machine['load_average_at_end'][0]} at end, on {machine['cpus']} CPUs"
    )
    if results["problems"]:
        log("\nBROKEN:")
        for problem in results["problems"]:
            log(f"  - {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
