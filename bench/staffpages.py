"""The staff phase of `make bench`: staff pages on a PostgreSQL database holding 300,000 cases.

In its own fresh database (`<BENCH_POSTGRES_DB>_staff`, dropped at the end), after migrate and the taxonomy
and agencies: `benchsite.staffdata.populate` writes N synthetic cases with their reports and makes one
signed-in, OTP-verified staff session per client. gunicorn then serves the bench site (same command and
workers as the other phases) and, interleaved and repeated, the load generator times:

  bare        GET /bench/bare-read?id=<random case id>: one SELECT by primary key, no session cookie;
  bare+login  the same view with a staff session cookie: what the session/auth/OTP middleware adds;
  queue       GET /staff/cases/            (50 open cases, soonest deadline first);
  overdue     GET /staff/cases/?overdue=1  (open cases past their next deadline);
  case        GET /staff/cases/<reference>/ for random open cases.

Then, with the server stopped, `benchsite.staffdata.analyse` loads each page in-process to count queries
and EXPLAIN ANALYZE the slowest. Target: p95 <= 100 ms per page.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from types import ModuleType
from typing import Any

import loadgen

TARGET_P95_MS = 100.0
KINDS = ("bare", "bare+login", "queue", "overdue", "case")
PAGES = ("queue", "overdue", "case")
LATENCY_REQUESTS = 30  # per kind, at 1 client

_CASE_ROW = re.compile(r'href="/staff/cases/(WST-[0-9A-Z]{4}-[0-9A-Z]{4})/"')


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("staff phase (PostgreSQL only)")
    group.add_argument("--staff-cases", type=int, default=300_000, help="synthetic cases to create")
    group.add_argument("--skip-staff", action="store_true", help="do not run the staff phase")
    group.add_argument("--staff-only", action="store_true", help="run only the staff phase")
    group.add_argument("--staff-clients", type=int, default=8, help="concurrent clients for the staff pages")
    group.add_argument("--staff-requests", type=int, default=160, help="measured requests per staff phase")
    group.add_argument("--staff-phase-seconds", type=float, default=12.0, help="time cap of each staff phase")


class Pages:
    """What the clients request: random case ids and open references, each client with its own session."""

    def __init__(self, shape: dict[str, Any], sessions: list[str], cookie: str) -> None:
        self.low, self.high = shape["id_range"]
        self.references: list[str] = shape["open_references"]
        self.sessions = [loadgen.Session(cookies={cookie: key}) for key in sessions]

    def task(self, kind: str, seed: int) -> loadgen.Task:
        def run(browser: loadgen.Browser, client: int, iteration: int) -> float:
            rng = random.Random(f"{seed}:{kind}:{client}:{iteration}")
            session = None if kind == "bare" else self.sessions[client % len(self.sessions)]
            if kind in ("bare", "bare+login"):
                path, expect = f"/bench/bare-read?id={rng.randint(self.low, self.high)}", "WST-"
            elif kind == "queue":
                path, expect = "/staff/cases/", 'href="/staff/cases/WST-'
            elif kind == "overdue":
                path, expect = "/staff/cases/?overdue=1", "govuk-tag--red"
            else:
                reference = rng.choice(self.references)
                path, expect = f"/staff/cases/{reference}/", f">{reference}</h1>"
            response = browser.request("GET", path, session)
            check(response, kind, path, expect)
            return response.elapsed

        return run


def check(response: loadgen.Response, kind: str, path: str, expect: str) -> None:
    """A 200 with the page's content: a redirect to the sign-in page must never be timed as a page."""
    if response.status != 200:
        where = f" to {response.location}" if response.location else ""
        raise loadgen.BrokenResponse(f"{kind} {path}: HTTP {response.status}{where}", response.status)
    if expect not in response.body:
        raise loadgen.BrokenResponse(f"{kind} {path}: {expect!r} not in the page", response.status)


def verify(port: int, pages: Pages) -> dict[str, Any]:
    """Before any timing: every page answers 200 with its content for a signed-in session."""
    browser = loadgen.Browser(port)
    seen: dict[str, Any] = {}
    try:
        for kind in KINDS:
            pages.task(kind, 0)(browser, 0, 0)
        response = browser.request("GET", "/staff/cases/", pages.sessions[0])
        rows = _CASE_ROW.findall(response.body)
        count = re.search(r"(\d+) open cases", response.body)
        seen = {"queue_rows": len(rows), "queue_caption_count": int(count.group(1)) if count else None}
        response = browser.request("GET", "/staff/cases/?overdue=1", pages.sessions[0])
        count = re.search(r"(\d+) open cases", response.body)
        seen["overdue_rows"] = len(_CASE_ROW.findall(response.body))
        seen["overdue_caption_count"] = int(count.group(1)) if count else None
    finally:
        browser.close()
    if seen["queue_rows"] != 50:
        raise loadgen.BrokenResponse(f"the queue shows {seen['queue_rows']} cases, expected a page of 50")
    return seen


def measure(port: int, pages: Pages, options: argparse.Namespace, errors: list[str]) -> dict[str, Any]:
    clients = options.staff_clients
    per_client = max(1, options.staff_requests // clients)

    def phase(kind: str, count: int, per: int, seconds: float, seed: int) -> dict[str, Any]:
        result = loadgen.run_phase(port, count, per, seconds, pages.task(kind, seed))
        for error in sorted(set(result.errors))[:5]:
            errors.append(f"staff {kind} c={count}: {error} (x{result.errors.count(error)})")
        return loadgen.summarise(result)

    for kind in KINDS:  # warm-up: one request per client and kind (connections, templates, plans)
        phase(kind, clients, 1, 30, seed=0)
    repeats = []
    for repeat in range(options.repeats):
        # Rotate the order so no kind always runs in the same slot (first after the warm-up, or last).
        order = KINDS[repeat % len(KINDS) :] + KINDS[: repeat % len(KINDS)]
        figures = {
            kind: phase(kind, clients, per_client, options.staff_phase_seconds, seed=repeat + 1)
            for kind in order
        }
        bare = figures["bare"]
        for kind in ("bare+login", *PAGES):
            figures[kind].update(ratios(figures[kind], bare))
        repeats.append(figures)
        log_line = " | ".join(
            f"{kind} {figures[kind]['per_s']:.0f}/s p95 {figures[kind]['p95_ms']:.0f}" for kind in KINDS
        )
        print(f"    #{repeat + 1}: {log_line} ms", flush=True)

    def median(kind: str, key: str) -> float:
        return round(statistics.median(r[kind][key] for r in repeats), 3 if "ratio" in key else 1)

    at_clients: dict[str, Any] = {}
    for kind in KINDS:
        keys = ["per_s", "p50_ms", "p95_ms"] + (
            [] if kind == "bare" else ["throughput_ratio", "p50_ratio", "p95_ratio"]
        )
        at_clients[kind] = {key: median(kind, key) for key in keys}
        if kind in PAGES:
            at_clients[kind]["target"] = verdict(at_clients[kind]["p95_ms"] <= TARGET_P95_MS)
    single: dict[str, Any] = {}
    for kind in KINDS:  # latency alone: one client, so no request waits for another
        single[kind] = phase(kind, 1, LATENCY_REQUESTS, options.staff_phase_seconds, seed=99)
    for kind in ("bare+login", *PAGES):
        single[kind].update(ratios(single[kind], single["bare"]))
        if kind in PAGES:
            single[kind]["target"] = verdict(single[kind]["p95_ms"] <= TARGET_P95_MS)
    return {
        "clients": clients,
        "requests_per_phase": per_client * clients,
        "concurrent": at_clients,
        "single_client": single,
        "repeats": repeats,
    }


def ratios(figures: dict[str, Any], bare: dict[str, Any]) -> dict[str, float]:
    def ratio(a: float, b: float) -> float:
        return round(a / b, 3) if b else float("nan")

    return {
        "throughput_ratio": ratio(figures["per_s"], bare["per_s"]),
        "p50_ratio": ratio(figures["p50_ms"], bare["p50_ms"]),
        "p95_ratio": ratio(figures["p95_ms"], bare["p95_ms"]),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def bench_staff(
    harness: ModuleType, workdir, base_env: dict[str, str], options: argparse.Namespace
) -> dict[str, Any]:
    """The whole phase. `harness` is run.py (database, gunicorn, manage, Broken), passed in: no cycle."""
    log = harness.log
    log(f"\n== staff pages, PostgreSQL, {options.staff_cases} cases ==")
    problems: list[str] = []
    name = f"{harness.PG_DATABASE}_staff"
    with harness.database("postgres", workdir, name) as url:
        env = {**base_env, "DATABASE_URL": url}
        began = time.monotonic()
        info = harness.prepare_database(env)
        log(f"  set up in {time.monotonic() - began:.1f} s")
        clients = options.staff_clients
        command = (
            f"from benchsite.staffdata import populate; populate({options.staff_cases}, clients={clients})"
        )
        output = harness.manage(env, "shell", "-c", command, timeout=1800)
        data = harness.last_json_line(output)
        sessions, references = data.pop("sessions"), data["open_references"]
        log(
            f"  populated in {data['populate_s']:.0f} s (rows {data['insert_s']:.0f} s, VACUUM ANALYZE "
            f"{data['analyze_s']:.0f} s): {data['cases']} cases, {data['open_cases']} open, "
            f"{data['overdue_cases']} overdue; {data['database_size']}; "
            f"{data['decryption_checked']} encrypted values read back"
        )
        pages = Pages(data, sessions, "st_session")
        errors: list[str] = []
        logfile = workdir / "gunicorn-staff.log"
        with harness.gunicorn(env, options.workers, logfile) as port:
            try:
                seen = verify(port, pages)
            except (loadgen.BrokenResponse, OSError) as exc:
                raise harness.Broken(f"staff pages before timing: {exc}") from exc
            log(f"  signed in: queue shows {seen['queue_rows']} of {seen['queue_caption_count']} open cases")
            figures = measure(port, pages, options, errors)
        server_log = logfile.read_text(errors="replace")
        log("  analysing the pages in-process (query counts, EXPLAIN ANALYZE) ...")
        command = (
            "from benchsite.staffdata import analyse; "
            f"analyse({json.dumps(sessions[0])}, {json.dumps(references[:5])})"
        )
        analysis = harness.last_json_line(harness.manage(env, "shell", "-c", command, timeout=600))
    problems += errors
    if "Traceback" in server_log or "WORKER TIMEOUT" in server_log:
        problems.append(f"gunicorn log shows errors:\n{harness.tail(logfile, 30)}")
    data.pop("open_references")
    return {
        "database": info,
        "data": data,
        "verified": seen,
        "target_p95_ms": TARGET_P95_MS,
        **figures,
        "analysis": analysis,
        "problems": problems,
    }


def print_summary(staff: dict[str, Any], log) -> None:
    if "concurrent" not in staff:
        return
    data = staff["data"]
    log(
        f"\n== staff pages: {data['cases']} cases ({data['open_cases']} open, "
        f"{data['overdue_cases']} overdue), populated in {data['populate_s']:.0f} s =="
    )
    header = (
        f"{'clients':>7}  {'page':<11}{'per s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'x bare tput':>12}{'x bare p50':>11}{'x bare p95':>11}  p95 <= {TARGET_P95_MS:g} ms"
    )
    log(header)
    log("-" * len(header))
    for label, block in ((str(staff["clients"]), staff["concurrent"]), ("1", staff["single_client"])):
        for kind in KINDS:
            row = block[kind]
            ratio_cells = (
                f"{row['throughput_ratio']:>12.3f}{row['p50_ratio']:>11.1f}{row['p95_ratio']:>11.1f}"
                if "p95_ratio" in row
                else f"{'':>12}{'':>11}{'':>11}"
            )
            log(
                f"{label:>7}  {kind:<11}{row['per_s']:>8.1f}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}"
                f"{ratio_cells}  {row.get('target', '')}"
            )
    pages = staff["analysis"]["pages"]
    log("\n  in-process, one request each (queries, SQL time, whole view):")
    for name, page in pages.items():
        slowest = page["slowest"][0] if page["slowest"] else {"ms": 0, "sql": ""}
        log(
            f"    {name:<20}{page['queries']:>4} queries, SQL {page['sql_ms']:>6.1f} ms "
            f"of {page['in_process_ms']:>6.1f} ms; slowest {slowest['ms']} ms: {slowest['sql'][:90]}"
        )
    alternatives = staff["analysis"].get("alternatives", {})
    if alternatives:
        log("\n  the slow queries as written and in the suggested shapes (EXPLAIN ANALYZE, ms):")
        for name, figures in alternatives.items():
            log(f"    {name:<40}{figures['execution_ms']}")
    fixed = staff["analysis"].get("with_fixes")
    if fixed:
        log("\n  in-process with fixes 1 and 2 applied in the analysis process only (queries, SQL ms, ms):")
        for name, figures in fixed.items():
            log(f"    {name:<10}{figures['queries']}, {figures['sql_ms']}, {figures['in_process_ms']}")
