"""The staff phase's server side, run with `manage.py shell -c` on the fresh PostgreSQL bench database.

- `populate(n)`: n synthetic cases owned by the partnership, each with one report (encrypted through the
  model, as the app writes them), taxonomy relations, some referrals, contacts and escalations; then
  signed-in staff sessions for the load generator. Prints one JSON line.
- `analyse(...)`: after the timed run, each page once more in-process, counting its queries
  (CaptureQueriesContext) and running EXPLAIN ANALYZE on the slowest ones, plus the alternative query
  shapes the report suggests. Prints one JSON line.

Nothing here is imported by the project; it writes only to the bench database.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import statistics
import time
import uuid
from collections import Counter
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

PARTNERSHIP = "warwickshire-hcp"
BATCH = 5000
SEED = 20261129
OPEN_SHARE = 0.15
ANONYMOUS_SHARE = 0.35
OVERDUE_SPAN = (-6.0, 14.0)  # next_due_at = now + uniform(days): about 30% of clocks already missed
YEARS = 3
FAKE_TRACKING_HASH = "$argon2id$v=19$m=4096,t=1,p=1$YmVuY2hzYWx0$" + "A" * 43  # never verified here

OPENINGS = [
    "Two men shouted racist abuse at me",
    "A group of teenagers followed my daughter and called her names",
    "My neighbour keeps leaving notes about my religion",
    "Someone spat at me and made comments about my wheelchair",
    "A passenger threatened my partner and me because we were holding hands",
    "I was pushed and called a slur",
    "People have been writing graffiti on our door",
    "A customer refused to be served by me and insulted my accent",
    "Messages were posted about me in a local group online",
    "Stones were thrown at our windows",
]
WHERE = [
    "at the bus stop on the high street",
    "outside the school gates",
    "on the train to Coventry",
    "in the supermarket car park",
    "near the mosque",
    "in the park by the river",
    "at work, in front of colleagues",
    "outside our flat",
    "on the estate where we live",
    "online, in a neighbourhood group",
]
AFTER = [
    "Other people were there and saw it.",
    "Nobody helped and I was very frightened.",
    "It has happened several times this month.",
    "I recorded part of it on my phone.",
    "My children were with me.",
    "I do not want to go out on my own now.",
    "The same people did this last year.",
    "",
]
FIRST_NAMES = ["Amira", "Piotr", "Grace", "Hassan", "Li", "Sam", "Priya", "Tomasz", "Fatima", "Kwame"]
OUTCOMES = [
    "support",
    "no-further-action",
    "community-resolution",
    "restorative",
    "charged",
    "withdrew",
    "school-landlord-action",
    "not-hate",
    "mediation",
]
POSTGRES_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "max_parallel_workers_per_gather",
    "jit",
    "synchronous_commit",
    "random_page_cost",
)
CLOCK_NAMES = ["first_contact", "support_referral", "regular_update", "update_after_event"]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _description(rng: random.Random) -> str:
    parts = [f"{rng.choice(OPENINGS)} {rng.choice(WHERE)}.", rng.choice(AFTER)]
    if rng.random() < 0.4:
        parts.append(rng.choice(AFTER))
    return " ".join(part for part in parts if part)


def _reference(rng: random.Random, used: set[str]) -> str:
    from standtogether.core import codes

    alphabet, prefix = codes.ALPHABET, settings.REFERENCE_PREFIX
    for _attempt in range(50):  # 35 bits: a handful of collisions are expected in 300k
        body = "".join(rng.choice(alphabet) for _ in range(7))
        reference = f"{prefix}-{codes._group(body + codes.check_symbol(body))}"
        if reference not in used:
            used.add(reference)
            return reference
    raise RuntimeError("could not find an unused reference")


def _staff(agency, officers: int) -> list:
    from django.contrib.auth import get_user_model

    from standtogether.partners.models import Membership, Role

    users = get_user_model().objects
    members = []
    for number in range(officers):
        user = users.create_user(
            f"bench-officer-{number + 1}", password=None, first_name=FIRST_NAMES[number % 10]
        )
        role = Role.SUPERVISOR if number == 0 else Role.CASEWORKER
        members.append(
            Membership.objects.create(
                user=user,
                agency=agency,
                role=role,
                job_title="Hate crime caseworker",
                gender="woman" if number % 2 else "man",
                languages=["en", "pl"] if number % 3 == 0 else ["en"],
            )
        )
    return members


def _case_and_report(rng: random.Random, now: dt.datetime, reference: str, ctx: dict[str, Any]):
    """One synthetic case and its report (not saved), plus the relations to add once both have ids."""
    from standtogether.cases.models import Case, CaseStatus
    from standtogether.core import crypto
    from standtogether.intake.models import Report

    is_open = rng.random() < OPEN_SHARE
    anonymous = rng.random() < ANONYMOUS_SHARE
    if is_open:  # open cases are mostly recent: a backlog with a long tail
        age = min(rng.expovariate(1 / 75), YEARS * 365 - 1)
        status = _pick(
            rng, [(CaseStatus.RECEIVED, 0.3), (CaseStatus.IN_REVIEW, 0.3), (CaseStatus.ASSIGNED, 0.4)]
        )
    else:
        age = rng.uniform(14, YEARS * 365)
        status = CaseStatus.CLOSED
    opened_at = now - dt.timedelta(days=age, seconds=rng.randrange(86400))
    officer = None
    if status == CaseStatus.ASSIGNED or (status != CaseStatus.RECEIVED and rng.random() < 0.5):
        officer = rng.choice(ctx["officers"])
    flags = {
        "flag_children": rng.random() < 0.08,
        "flag_threats_violence": rng.random() < 0.2,
        "flag_repeat": rng.random() < 0.15,
        "flag_evidence": rng.random() < 0.25,
        "flag_interpreter": rng.random() < 0.05,
        "flag_vulnerable": rng.random() < 0.07,
        "flag_anonymous": anonymous,
        "flag_quarantined": rng.random() < 0.005,
    }
    share = sorted(
        rng.sample(["police", "victim-support", "council", "school-landlord"], rng.randrange(0, 3))
    )
    case = Case(
        reference=reference,
        status=status,
        owner_agency_id=ctx["agency_id"],
        officer=officer,
        risk=rng.choice(["", "standard", "standard", "medium", "high"]) if status != "received" else "",
        classification=rng.choice(["crime", "incident", "incident", ""]) if status != "received" else "",
        consent_share=share,
        opened_at=opened_at,
        **flags,
    )
    if status == CaseStatus.CLOSED:
        case.closed_at = min(now, opened_at + dt.timedelta(days=rng.uniform(3, 120)))
        case.outcome = rng.choice(OUTCOMES)
        case.outcome_detail = (
            f"We spoke to the reporter on {case.closed_at:%d %B} and explained what was done."
        )
        case.outcome_told_at = case.closed_at
        case.last_key_event_at = case.closed_at
    elif not anonymous:
        case.next_due_at = now + dt.timedelta(days=rng.uniform(*OVERDUE_SPAN))
        case.next_due_clock = rng.choice(CLOCK_NAMES)
        if status == CaseStatus.ASSIGNED:
            case.last_key_event_at = opened_at + dt.timedelta(days=rng.uniform(0.1, 3))
    report = Report(
        reference=reference,
        tracking_hash=FAKE_TRACKING_HASH,
        idempotency_key=uuid.uuid4().hex,
        submitted_at=opened_at,
        channel=_pick(rng, [("online", 0.8), ("centre", 0.08), ("phone", 0.07), ("easy-read", 0.05)]),
        reporter_role=_pick(
            rng, [("targeted", 0.7), ("witness", 0.15), ("on-behalf", 0.12), ("organisation", 0.03)]
        ),
        description=_description(rng),
        date_kind="exact",
        date_start=(opened_at - dt.timedelta(days=rng.randrange(0, 5))).date(),
        setting_id=rng.choice(ctx["settings"]),
        area_id=rng.choice(ctx["areas"]),
        others_present=rng.choice(["yes", "no", "not-sure"]),
        children_involved="yes" if flags["flag_children"] else "no",
        happened_before="yes" if flags["flag_repeat"] else rng.choice(["no", "not-sure"]),
        anonymous=anonymous,
        interpreter_needed=flags["flag_interpreter"],
        preferred_language="pl" if flags["flag_interpreter"] else "en",
        needs={
            "interpreter_language": "pl" if flags["flag_interpreter"] else "",
            "accessibility": ["large-print"] if rng.random() < 0.05 else [],
            "other_needs": "",
            "officer_gender": "woman" if rng.random() < 0.1 else "",
        },
        consent={"share": share, "partnership_only": not share, "given_at": opened_at.isoformat()},
        quarantined=flags["flag_quarantined"],
    )
    if rng.random() < 0.3:  # a postcode: a few thousand places, so "same place" suggestions exist
        report.place = f"CV{rng.randrange(1, 48)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}A"
        report.place_index = crypto.blind_index(report.place, kind="postcode", context="place")
    if not anonymous:
        person = rng.randrange(ctx["people"])  # fewer people than reports: some are repeat victims
        contact = {
            "name": f"{rng.choice(FIRST_NAMES)} Example",
            "email": f"person{person}@example.org" if rng.random() < 0.7 else "",
            "phone": f"07700 {person % 1000000:06d}" if rng.random() < 0.6 else "",
            "address": "",
            "channels": rng.sample(["email", "phone", "sms", "letter"], rng.randrange(1, 4)),
            "safe_times": "after 6pm" if rng.random() < 0.2 else "",
            "safety": ["no-voicemail"] if rng.random() < 0.15 else [],
        }
        report.contact = contact
        if contact["email"]:
            report.email_index = crypto.blind_index(contact["email"], context="email")
        if contact["phone"]:
            report.phone_index = crypto.blind_index(contact["phone"], kind="phone", context="phone")
    else:
        report.contact = {}
    relations = {
        "strands": rng.sample(ctx["strands"], 1 if rng.random() < 0.85 else 2),
        "incident_types": rng.sample(ctx["types"], 1 if rng.random() < 0.7 else 2),
    }
    return case, report, relations


def _extras(rng: random.Random, case, now: dt.datetime, ctx: dict[str, Any]) -> dict[str, list]:
    """Referrals for about a quarter of the cases; contacts and escalations for open ones."""
    from standtogether.cases.models import Contact, Escalation, Referral

    made: dict[str, list] = {"referrals": [], "contacts": [], "escalations": []}
    if rng.random() < 0.25:
        to = rng.choice(ctx["partners"])
        status = "accepted" if case.status == "closed" else rng.choice(["pending", "accepted", "accepted"])
        made["referrals"].append(
            Referral(
                case_id=case.pk,
                to_agency_id=to,
                by=ctx["officers"][0],
                status=status,
                reason="",
                created_at=case.opened_at + dt.timedelta(days=rng.uniform(0.5, 5)),
                responded_at=None if status == "pending" else case.opened_at + dt.timedelta(days=6),
            )
        )
    if case.status != "closed" and not case.flag_anonymous:
        for number in range(rng.randrange(0, 4)):
            at = min(now, case.opened_at + dt.timedelta(days=1 + number * rng.uniform(1, 10)))
            made["contacts"].append(
                Contact(
                    case_id=case.pk,
                    by=case.officer or ctx["officers"][0],
                    at=at,
                    channel=rng.choice(["phone", "email", "sms"]),
                    kind=rng.choice(["contact", "update", "support-offered"]),
                    summary="Called the reporter, explained the next steps and agreed the next update.",
                )
            )
        if case.next_due_at and case.next_due_at < now and rng.random() < 0.5:
            made["escalations"].append(
                Escalation(
                    case_id=case.pk, kind="breach", clock=case.next_due_clock, raised_at=case.next_due_at
                )
            )
    return made


class Copier:
    """Rows go in with COPY: bulk_create's one giant INSERT costs about 1 ms a report here, most of it psycopg
    parsing a multi-megabyte statement. The encrypted and JSON columns still get their values from the
    model's own fields (`pre_save` seals with the record's uuid as associated data, as save() does); the
    other columns are plain values (str, int, bool, uuid, aware datetime) that Django's preparation on
    PostgreSQL passes through unchanged, so they are read straight from the instance."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper  # the real DatabaseWrapper, not the per-thread proxy: ~35 lookups a row

    def copy(self, model: type, objects: list, now: dt.datetime) -> int:
        from django.db.models import DateTimeField, JSONField

        from standtogether.core.fields import EncryptedField

        if not objects:
            return 0
        fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objects[0].pk is None)]
        getters = []
        for field in fields:
            if isinstance(field, EncryptedField):
                getters.append(lambda obj, field=field: field.pre_save(obj, True))
            elif isinstance(field, JSONField):
                getters.append(
                    lambda obj, field=field: field.get_db_prep_save(obj.__dict__[field.attname], self.wrapper)
                )
            elif isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
                getters.append(lambda obj: now)
            else:
                getters.append(lambda obj, name=field.attname: obj.__dict__[name])
        quote = self.wrapper.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with self.wrapper.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for obj in objects:
                copy.write_row([get(obj) for get in getters])
        return len(objects)


def _batch(number: int, cases: int, references: list[str], now: dt.datetime, ctx: dict[str, Any]):
    """One batch of cases (ids number*BATCH+1 ...), in one transaction. Runs in a worker process."""
    from django.db import connections

    from standtogether.cases.models import Case, Contact, Escalation, Referral
    from standtogether.intake.models import Report

    rng = random.Random(f"{ctx['seed']}:{number}")  # the same data whatever the number of workers
    first = number * BATCH
    made = [
        _case_and_report(rng, now, references[index], ctx)
        for index in range(first, min(cases, first + BATCH))
    ]
    strands_through, types_through = Report.strands.through, Report.incident_types.through
    strands, types = [], []
    extras: dict[str, list] = {"referrals": [], "contacts": [], "escalations": []}
    for offset, (case, report, relations) in enumerate(made):
        case.pk = report.pk = first + offset + 1
        report.case_id = case.pk
        strands += [strands_through(report_id=report.pk, strand_id=pk) for pk in relations["strands"]]
        types += [
            types_through(report_id=report.pk, incidenttype_id=pk) for pk in relations["incident_types"]
        ]
        for key, items in _extras(rng, case, now, ctx).items():
            extras[key] += items
    wrapper = connections["default"]
    copier = Copier(wrapper)
    rows: Counter[str] = Counter()
    with transaction.atomic():
        rows["cases"] += copier.copy(Case, [case for case, _, _ in made], now)
        rows["reports"] += copier.copy(Report, [report for _, report, _ in made], now)
        rows["report_strands"] += copier.copy(strands_through, strands, now)
        rows["report_incident_types"] += copier.copy(types_through, types, now)
        rows["referrals"] += copier.copy(Referral, extras["referrals"], now)
        rows["contacts"] += copier.copy(Contact, extras["contacts"], now)
        rows["escalations"] += copier.copy(Escalation, extras["escalations"], now)
    samples = {report.reference: report.__dict__["description"] for _, report, _ in made[:: BATCH // 5]}
    return rows, samples


_JOB: dict[str, Any] = {}  # what forked workers inherit: no pickling of model instances


def _run_batch(number: int):
    return _batch(number, _JOB["cases"], _JOB["references"], _JOB["now"], _JOB["ctx"])


def populate(cases: int, clients: int = 8, workers: int = 2, seed: int = SEED) -> None:
    import multiprocessing

    from django.db import connections

    from standtogether.cases.models import Case
    from standtogether.intake.models import Report
    from standtogether.partners.models import Agency
    from standtogether.taxonomy.models import Area, IncidentType, Setting, Strand

    began = time.perf_counter()
    now = timezone.now()
    agency = Agency.objects.get(code=PARTNERSHIP)
    with transaction.atomic():
        officers = _staff(agency, 12)
    ctx = {
        "seed": seed,
        "agency_id": agency.pk,
        "officers": officers,
        "areas": list(Area.objects.values_list("pk", flat=True)),
        "settings": list(Setting.objects.values_list("pk", flat=True)),
        "strands": list(Strand.objects.values_list("pk", flat=True)),
        "types": list(IncidentType.objects.values_list("pk", flat=True)),
        "partners": list(
            Agency.objects.filter(
                code__in=["warwickshire-police", "victim-support", "warwickshire-cc"]
            ).values_list("pk", flat=True)
        ),
        "people": max(1, int(cases * 0.5)),
    }
    rng = random.Random(seed)
    used: set[str] = set()
    references = [_reference(rng, used) for _ in range(cases)]  # unique across all workers
    _JOB.update(cases=cases, references=references, now=now, ctx=ctx)
    batches = range((cases + BATCH - 1) // BATCH)
    rows: Counter[str] = Counter()
    samples: dict[str, str] = {}
    connections.close_all()  # each forked worker opens its own connection
    with multiprocessing.get_context("fork").Pool(workers, initializer=connections.close_all) as pool:
        for done, (batch_rows, batch_samples) in enumerate(pool.imap_unordered(_run_batch, batches), 1):
            rows.update(batch_rows)
            samples.update(batch_samples)
            if done % 10 == 0:
                print(f"  ... {rows['cases']} cases in {time.perf_counter() - began:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for model in (Case, Report):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                [model._meta.db_table, cases + 1],
            )
    inserted = time.perf_counter() - began
    with connection.cursor() as cursor:
        # VACUUM too: the state autovacuum keeps a live database in (visibility map, statistics), and
        # autovacuum will not then start on the freshly loaded tables in the middle of the measurement.
        cursor.execute("VACUUM (ANALYZE)")
    analysed = time.perf_counter() - began - inserted
    checked = _check_decryption(samples)
    sessions = make_sessions(agency, clients)
    summary = {
        "cases": cases,
        "workers": workers,
        "rows": dict(rows),
        "insert_s": round(inserted, 1),
        "analyze_s": round(analysed, 1),
        "populate_s": round(time.perf_counter() - began, 1),
        "decryption_checked": checked,
        **_shape(now),
        "sessions": sessions,
    }
    print(json.dumps(summary))


def _check_decryption(samples: dict[str, str]) -> int:
    """Reload a sample through the model: every encrypted description must decrypt to what was written."""
    from standtogether.cases.models import Case
    from standtogether.intake.models import Report

    loaded = {r.reference: r for r in Report.system.filter(reference__in=list(samples))}
    for reference, description in samples.items():
        report = loaded[reference]
        if report.description != description or not isinstance(report.contact, dict) or report.needs is None:
            raise RuntimeError(f"report {reference}: decrypted fields differ from what was written")
    closed = Case.system.filter(status="closed").order_by("?")[:20]
    for case in closed:
        if not case.outcome_detail.startswith("We spoke to the reporter"):
            raise RuntimeError(f"case {case.reference}: outcome_detail did not decrypt")
    return len(loaded) + len(closed)


def _shape(now: dt.datetime) -> dict[str, Any]:
    """What the pages will list, and the ids and references the load generator picks from."""
    from standtogether.cases.models import Case

    open_cases = Case.system.exclude(status="closed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM cases_case")
        low, high = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s) ORDER BY name",
            [list(POSTGRES_SETTINGS)],
        )
        postgres = dict(cursor.fetchall())
    return {
        "open_cases": open_cases.count(),
        "overdue_cases": open_cases.filter(next_due_at__lt=now).count(),
        "anonymous_open": open_cases.filter(flag_anonymous=True).count(),
        "by_status": dict(Counter(Case.system.values_list("status", flat=True))),
        "database_size": size,
        "postgres_settings": postgres,
        "id_range": [low, high],
        "open_references": list(open_cases.order_by("?").values_list("reference", flat=True)[:400]),
    }


def make_sessions(agency, count: int) -> list[str]:
    """Signed-in, OTP-verified staff sessions, one per client (one person does not load 8 pages at once).

    The same keys a real sign-in leaves (tests/staff.py does it with force_login): the auth keys, the
    confirmed TOTP device's persistent id, and the staff session clock.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from standtogether.partners.models import Membership, Role
    from standtogether.staff import membership, sessions

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for number in range(count):
        user = get_user_model().objects.create_user(f"bench-coordinator-{number + 1}", password=None)
        member = Membership.objects.create(
            user=user, agency=agency, role=Role.COORDINATOR, job_title="Partnership coordinator"
        )
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        stamp = timezone.now().timestamp()
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store[sessions.LOGIN_AT] = stamp
        store[sessions.SEEN_AT] = stamp
        store[membership.SESSION_KEY] = member.pk
        store.create()
        keys.append(store.session_key)
    return keys


# --- analysis ---------------------------------------------------------------------------------------

_PARAMS = re.compile(r"'[^']*'|\b\d+(\.\d+)?\b")


def _shape_of(sql: str) -> str:
    return _PARAMS.sub("?", sql)


def _explain(sql: str) -> list[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return plan


def _page(client, path: str, repeats: int = 5) -> dict[str, Any]:
    """One page through the whole middleware stack, in-process: its queries, their time, the view's time.
    Per statement the median over the repeats: connection.queries times (1 ms resolution) on a busy
    machine catch the odd descheduled query."""
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm: templates, session, the first queries' plans
    timings, runs = [], []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as context:
            began = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code} in the analysis")
        runs.append(context.captured_queries)
    captured = runs[-1]
    if len({len(run) for run in runs}) == 1:
        times = [statistics.median(float(run[i]["time"]) for run in runs) for i in range(len(captured))]
    else:
        times = [float(q["time"]) for q in captured]
    shapes = Counter(_shape_of(q["sql"]) for q in captured)
    slowest = sorted(zip(times, captured, strict=True), key=lambda pair: -pair[0])[:4]
    return {
        "path": path,
        "queries": len(captured),
        "repeated_shapes": {shape[:160]: n for shape, n in shapes.items() if n > 1},
        "in_process_ms": round(statistics.median(timings) * 1000, 1),
        "sql_ms": round(sum(times) * 1000, 1),
        "slowest": [{"ms": round(ms * 1000, 1), "sql": q["sql"]} for ms, q in slowest],
    }


def analyse(session_key: str, references: list[str]) -> None:
    """Each page in-process against the same database: query count, SQL time, plans of the slow queries."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    pages = {
        "bare_read": _page(Client(HTTP_HOST="127.0.0.1"), "/bench/bare-read?id=1"),
        "bare_read_signed_in": _page(client, "/bench/bare-read?id=1"),
        "queue": _page(client, "/staff/cases/"),
        "overdue": _page(client, "/staff/cases/?overdue=1"),
    }
    case_pages = [_page(client, f"/staff/cases/{reference}/", repeats=3) for reference in references[:5]]
    pages["case"] = max(case_pages, key=lambda page: page["sql_ms"])
    pages["case"]["sql_ms_of_5_cases"] = [page["sql_ms"] for page in case_pages]
    pages["case"]["queries_of_5_cases"] = [page["queries"] for page in case_pages]
    plans = {}
    for name, page in pages.items():
        for query in page["slowest"][:2]:
            if query["ms"] >= 5 and query["sql"].lstrip().upper().startswith("SELECT"):
                plans[f"{name}: {query['ms']} ms"] = {"sql": query["sql"], "plan": _explain(query["sql"])}
    print(
        json.dumps(
            {
                "pages": pages,
                "plans": plans,
                "alternatives": alternatives(references[:5]),
                "with_fixes": with_fixes(client, references[:5]),
            }
        )
    )


# The index the analysis tries (inside a transaction that is rolled back): open cases of an agency in the
# queue's own order, so the first page and the overdue filter are a short index range instead of a sort.
QUEUE_INDEX = (
    "CREATE INDEX bench_case_open_queue ON cases_case "
    "(owner_agency_id, next_due_at ASC NULLS LAST, opened_at DESC) WHERE status <> 'closed'"
)


def _visible_by_subquery(member):
    """The suggested shape of CaseQuerySet.for_member: the same rows, with the referral branch as a
    semi-join (`id IN (SELECT case_id ...)`) instead of a LEFT JOIN that then needs DISTINCT."""
    from standtogether.cases.models import Case

    return _semi_join(Case.visible.all(), member)


def _queue(visible, member, overdue: bool):
    """The queryset of staff/cases.py `queue`, on a given `visible` queryset."""
    from django.db.models import F

    cases = (
        visible.filter(owner_agency_id=member.agency_id)
        .exclude(status="closed")
        .select_related("officer__user")
    )
    if overdue:
        cases = cases.filter(next_due_at__lt=timezone.now())
    return cases.order_by(F("next_due_at").asc(nulls_last=True), "-opened_at")


def _execution_ms(sql: str) -> float:
    for line in reversed(_explain(sql)):
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return float("nan")


def _measured(run, repeats: int = 3) -> dict[str, Any]:
    """Run `run` (the page's queries), then EXPLAIN ANALYZE each statement it made: server-side times,
    which a busy machine disturbs far less than the client-side timings of connection.queries."""
    from django.test.utils import CaptureQueriesContext

    walls = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as context:
            began = time.perf_counter()
            run()
            walls.append(time.perf_counter() - began)
    statements = [
        q["sql"] for q in context.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    per_statement = [statistics.median(_execution_ms(sql) for _ in range(repeats)) for sql in statements]
    return {
        "wall_ms": round(statistics.median(walls) * 1000, 1),
        "statements": len(statements),
        "execution_ms": round(sum(per_statement), 1),
        "slowest": sorted(
            (
                {"ms": round(ms, 1), "sql": sql[:200]}
                for ms, sql in zip(per_statement, statements, strict=True)
            ),
            key=lambda item: -item["ms"],
        )[:2],
    }


def alternatives(references: list[str]) -> dict[str, Any]:
    """The queue's and the case page's slow queries as the app writes them, next to the suggested shapes
    (and, for the queue, one partial index created in a transaction that is rolled back)."""
    from standtogether.cases import linking
    from standtogether.cases.models import Case
    from standtogether.partners.models import Membership

    member = Membership.objects.select_related("agency").get(user__username="bench-coordinator-1")
    results: dict[str, Any] = {}
    shapes = {"current": Case.visible.for_member(member), "subquery": _visible_by_subquery(member)}
    # The queue also filters on owner_agency_id itself, so the referral branch can never add a row there:
    # the lower bound is the queue without it.
    queue_shapes = {**shapes, "owner only": Case.visible.filter(owner_agency_id=member.agency_id)}
    for overdue in (False, True):
        name = "overdue" if overdue else "queue"
        for shape, visible in queue_shapes.items():

            def page(visible=visible, overdue=overdue):
                cases = _queue(visible, member, overdue)
                return cases.count(), list(cases[:50])

            if shape != "owner only":
                results[f"{name}: {shape}"] = _measured(page)
            if shape != "current":
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute(QUEUE_INDEX)
                    results[f"{name}: {shape} + partial index"] = _measured(page)
                    transaction.set_rollback(True)
    cases = list(Case.system.filter(reference__in=references))
    for shape, visible in shapes.items():
        runs = [
            _measured(lambda case=case, visible=visible: linking.candidates(case, visible), 1)
            for case in cases
        ]
        results[f"candidates: {shape}"] = {
            "cases": len(runs),
            "wall_ms": [run["wall_ms"] for run in runs],
            "execution_ms": [run["execution_ms"] for run in runs],
            "statements": [run["statements"] for run in runs],
            "slowest": max(runs, key=lambda run: run["execution_ms"])["slowest"],
        }
    return results


def with_fixes(client, references: list[str]) -> dict[str, Any]:
    """The three pages again, in-process, as they would be with suggestions 1 and 2 of the README: in this
    process only, `CaseQuerySet.for_member` is replaced by the semi-join shape, and the partial index
    exists inside a transaction that is rolled back afterwards. (Inside that transaction the session save
    is a savepoint, not a commit: about 1 ms less than in the real request.)"""
    from standtogether.cases.models import CaseQuerySet

    original = CaseQuerySet.for_member

    def for_member(self, member):
        if member is None or not member.active:
            return self.none()
        return _semi_join(self, member)

    CaseQuerySet.for_member = for_member
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(QUEUE_INDEX)
            queue = _page(client, "/staff/cases/")
            overdue = _page(client, "/staff/cases/?overdue=1")
            cases = [_page(client, f"/staff/cases/{reference}/", repeats=3) for reference in references]
            transaction.set_rollback(True)
    finally:
        CaseQuerySet.for_member = original
    keep = ("queries", "sql_ms", "in_process_ms")
    return {
        "queue": {key: queue[key] for key in keep},
        "overdue": {key: overdue[key] for key in keep},
        "case": {key: [page[key] for page in cases] for key in keep},
    }


def _semi_join(queryset, member):
    from django.db.models import Q

    from standtogether.cases.models import Referral

    referred = Referral.system.filter(
        to_agency_id=member.agency_id, status__in=["pending", "accepted"]
    ).values("case_id")
    return queryset.filter(Q(owner_agency_id=member.agency_id) | Q(pk__in=referred))
