"""The client side of the benchmark: simulated browsers, the public journey, and timed phases.

Standard library only. Each client thread owns one Browser (one HTTP/1.1 connection, reused while the
server keeps it open) and walks through sessions, each with its own cookie jar, as separate people would.
"""

from __future__ import annotations

import http.client
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
PREFIX = "/en/report"
SUBMIT_PATH = f"{PREFIX}/check/"
SENT_PATH = f"{PREFIX}/sent/"

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUBMIT_KEY = re.compile(r'name="submit_key" value="([^"]*)"')
_REFERENCE = re.compile(r'<strong class="st-code" id="reference">([^<]+)</strong>')

DESCRIPTION = (
    "Two men shouted racist abuse at me at the bus stop on the high street and followed me "
    "for a few minutes. Other people were there and saw it."
)

# The journey in order: (slug, fields). Only "description" is required; the rest is what a typical person
# fills in, so each step's validation and the report's relations (types, strands, area) are exercised.
JOURNEY: list[tuple[str, list[tuple[str, str]]]] = [
    ("who", [("reporter_role", "targeted")]),
    ("what", [("description", DESCRIPTION), ("incident_types", "verbal-abuse")]),
    ("why", [("strands", "race")]),
    (
        "when-where",
        [
            ("date_kind", "exact"),
            ("date_start_0", "1"),
            ("date_start_1", "3"),
            ("date_start_2", "2026"),
            ("setting", "street"),
            ("area", "rugby"),
        ],
    ),
    ("people", [("others_present", "yes"), ("children_involved", "no")]),
    ("evidence", []),
    ("contact", [("anonymous", "yes")]),
    ("needs", [("interpreter", "no")]),
    ("consent", [("share", "police")]),
]
JOURNEY_REQUESTS = 1 + len(JOURNEY) + 3  # start GET, step POSTs, check GET, submit POST, confirmation GET


class BrokenResponse(Exception):
    """The server answered something a person's browser would not expect: the journey cannot go on."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    status: int
    location: str
    body: str
    elapsed: float


@dataclass
class Session:
    """One person's cookies plus the form fields the next POST needs."""

    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    submit_key: str = ""


def _store_cookies(jar: dict[str, str], headers: list[str]) -> None:
    for header in headers:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0" or (morsel["expires"] and not morsel.value):
                jar.pop(name, None)  # Django deletes a cookie by expiring it
            else:
                jar[name] = morsel.value


class Browser:
    """One client: a keep-alive connection (reopened when the server closes it) and no cookie state."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        self._conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def close(self) -> None:
        self._conn.close()

    def request(
        self,
        method: str,
        path: str,
        session: Session | None = None,
        form: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
        content_type: str = "text/plain",
    ) -> Response:
        headers = {"User-Agent": "standtogether-bench", "Accept": "text/html"}
        if session is not None and session.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
        if form is not None:
            body = urlencode(form).encode()
            content_type = "application/x-www-form-urlencoded"
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in range(2):
            reused = self._conn.sock is not None
            start = time.perf_counter()
            try:
                self._conn.request(method, path, body=body, headers=headers)
                response = self._conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._conn.close()
                # A kept-alive connection the server closed while idle: open a new one, once. A fresh
                # connection failing is a real failure.
                if reused and attempt == 0:
                    continue
                raise
            elapsed = time.perf_counter() - start
            if session is not None:
                _store_cookies(session.cookies, response.msg.get_all("Set-Cookie") or [])
            return Response(
                status=response.status,
                location=response.getheader("Location", ""),
                body=data.decode("utf-8", "replace"),
                elapsed=elapsed,
            )
        raise AssertionError("unreachable")


def _expect(response: Response, status: int, what: str, location: str | None = None) -> None:
    if response.status != status:
        raise BrokenResponse(f"{what}: HTTP {response.status}, expected {status}", response.status)
    if location is not None and not response.location.endswith(location):
        raise BrokenResponse(f"{what}: redirected to {response.location!r}, expected {location!r}", status)


def _find(pattern: re.Pattern[str], response: Response, what: str) -> str:
    match = pattern.search(response.body)
    if match is None:
        raise BrokenResponse(f"{what}: {pattern.pattern!r} not found in the page", response.status)
    return match.group(1)


def _next_path(index: int) -> str:
    return f"{PREFIX}/{JOURNEY[index + 1][0]}/" if index + 1 < len(JOURNEY) else SUBMIT_PATH


def start(browser: Browser, session: Session) -> Response:
    """GET the first step: the server creates the draft and sets the session and CSRF cookies."""
    response = browser.request("GET", f"{PREFIX}/{JOURNEY[0][0]}/", session)
    _expect(response, 200, "start")
    session.csrf = _find(_CSRF, response, "start")
    return response


def post_step(browser: Browser, session: Session, index: int) -> Response:
    slug, fields = JOURNEY[index]
    form = [("csrfmiddlewaretoken", session.csrf), *fields, ("website", ""), ("continue", "")]
    response = browser.request("POST", f"{PREFIX}/{slug}/", session, form=form)
    _expect(response, 302, f"step {slug}", _next_path(index))
    return response


def open_check(browser: Browser, session: Session) -> Response:
    response = browser.request("GET", SUBMIT_PATH, session)
    _expect(response, 200, "check page")
    session.submit_key = _find(_SUBMIT_KEY, response, "check page")
    session.csrf = _find(_CSRF, response, "check page")
    return response


def submit(browser: Browser, session: Session) -> Response:
    form = [("csrfmiddlewaretoken", session.csrf), ("submit_key", session.submit_key)]
    response = browser.request("POST", SUBMIT_PATH, session, form=form)
    _expect(response, 302, "submit", SENT_PATH)
    return response


def confirmation(browser: Browser, session: Session) -> str:
    response = browser.request("GET", SENT_PATH, session)
    _expect(response, 200, "confirmation")
    return _find(_REFERENCE, response, "confirmation")


def ready_session(browser: Browser) -> Session:
    """A draft with a description, sitting at the check page: only the final POST is left to do."""
    session = Session()
    start(browser, session)
    post_step(browser, session, [slug for slug, _ in JOURNEY].index("what"))
    open_check(browser, session)
    return session


def full_journey(browser: Browser) -> str:
    """Everything a person does, start to confirmation; returns the reference shown at the end."""
    session = Session()
    start(browser, session)
    for index in range(len(JOURNEY)):
        post_step(browser, session, index)
    open_check(browser, session)
    submit(browser, session)
    return confirmation(browser, session)


def bare_insert(browser: Browser) -> Response:
    response = browser.request("POST", "/bench/bare-insert", body=b"bench payload " + DESCRIPTION.encode())
    _expect(response, 201, "bare insert")
    return response


@dataclass
class PhaseResult:
    latencies: list[float]
    errors: list[str]
    statuses: dict[int, int]
    wall: float

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


# A task does one unit of work for (browser, client index, iteration) and returns its latency in seconds.
Task = Callable[[Browser, int, int], float]


def run_phase(port: int, concurrency: int, per_client: int, deadline: float, task: Task) -> PhaseResult:
    """Run `per_client` tasks on each of `concurrency` threads, all released together, stopping early at
    `deadline` seconds so a slow machine still finishes. Throughput uses the wall time of the whole phase."""
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    gate = threading.Barrier(concurrency + 1)
    finished = [0.0] * concurrency

    def worker(client: int) -> None:
        browser = Browser(port)
        failures_in_a_row = 0
        try:
            gate.wait()
            stop_at = time.perf_counter() + deadline
            for iteration in range(per_client):
                if time.perf_counter() >= stop_at or failures_in_a_row >= 5:
                    break
                try:
                    latency = task(browser, client, iteration)
                except BrokenResponse as exc:
                    failures_in_a_row += 1
                    with lock:
                        errors.append(str(exc))
                        statuses[exc.status] = statuses.get(exc.status, 0) + 1
                    continue
                except (OSError, http.client.HTTPException) as exc:
                    failures_in_a_row += 1
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                failures_in_a_row = 0
                with lock:
                    latencies.append(latency)
        finally:
            finished[client] = time.perf_counter()
            browser.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return PhaseResult(latencies=latencies, errors=errors, statuses=statuses, wall=max(finished) - began)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: always a latency that was really observed."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def summarise(result: PhaseResult, unit_requests: int = 1) -> dict[str, float | int]:
    count = len(result.latencies)
    rate = count / result.wall if result.wall > 0 else 0.0
    return {
        "completed": count,
        "errors": len(result.errors),
        "wall_s": round(result.wall, 3),
        "per_s": round(rate, 2),
        "requests_per_s": round(rate * unit_requests, 2),
        "p50_ms": round(percentile(result.latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(result.latencies, 0.95) * 1000, 1),
        "max_ms": round(max(result.latencies, default=float("nan")) * 1000, 1),
    }
