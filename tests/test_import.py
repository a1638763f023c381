"""Importing a partner's past records from CSV (docs/import.md): the template, the dry run's line-numbered
problems, idempotent imports through the same submit path as every report, encryption at rest, audit,
access, the staff pages' flow, and generated rows that never crash the parser."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from standtogether.cases import policy
from standtogether.cases.models import Case
from standtogether.core import audit
from standtogether.core.models import AuditEvent
from standtogether.intake import actions, importing
from standtogether.intake.models import Draft, ImportedRecord, PendingImport, Report
from standtogether.partners.models import Agency, Role
from tests.rawscan import tables_containing
from tests.staff import member, signed_in

pytestmark = pytest.mark.django_db

CANARY = "CANARY-import-5b1e-words"
COLUMNS = importing.COLUMN_NAMES


def csv_bytes(rows: list[dict], *, columns: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def row(record: str, **values) -> dict:
    return {"partner_record_id": record, "description": f"Abuse shouted in the street ({record}).", **values}


@pytest.fixture
def council():
    return Agency.objects.get(code="warwick-dc")


@pytest.fixture
def admin(council):
    return member("warwick-dc", Role.AGENCY_ADMIN)


def messages_of(check) -> list[str]:
    return [str(p) for p in check.problems]


# --- the template -----------------------------------------------------------------------------------------


def test_template_parses_with_two_new_rows_and_no_problems(council):
    raw = importing.template_csv().encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel opens it as UTF-8
    check = importing.check(raw, council)
    assert check.problems == []
    assert check.counts() == {"rows": 2, "new": 2, "same": 0, "changed": 0, "problems": 0}
    first, second = check.rows
    assert first.answers["why"]["strands"] == ["race"]
    assert first.answers["when-where"]["area"] == "rugby"  # by name, any case
    assert first.answers["consent"]["share"] == ["police", "victim-support"]
    assert second.answers["when-where"]["date_kind"] == "period"
    assert second.answers["contact"] == {"anonymous": "yes"}


def test_template_download_is_a_staff_page(admin):
    response = signed_in(admin).get("/staff/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == COLUMNS


# --- the dry run ------------------------------------------------------------------------------------------


def test_dry_run_reports_every_problem_with_its_line(council):
    raw = csv_bytes(
        [
            row("A1", date="31/02/2024"),  # line 2
            row("A2", description=""),  # line 3
            row("A3", strands="Racist; Anti-traveller"),  # line 4: Racist is in the map
            row("A4", consent="police; social services"),  # line 5
            row("A1"),  # line 6: duplicate of line 2
            row("A6", date="2024-13-01", incident_types="Verbal"),  # line 7
            row("A7", description='=HYPERLINK("http://evil.example","click")'),  # line 8
            row("A8", contact_email="not-an-email", anonymous="no"),  # line 9
            row("A9", anonymous="maybe"),  # line 10
            row("A10", strands="Racist, Homophobic"),  # line 11
        ]
    )
    check = importing.check(raw, council)
    found = messages_of(check)
    expected = [
        "line 2: date 31/02/2024 is not a real date.",
        "line 3: description is empty: say what happened.",
        "line 4: strands 'Anti-traveller' is not mapped: add it to the map file warwick-dc.json "
        "or use one of:",
        "line 5: consent 'social services' is not a code we know: use police, victim-support, "
        "school-landlord, council, or none.",
        "line 6: partner_record_id A1 is also on line 2: each record once.",
        "line 7: date 2024-13-01 is not a real date.",
        "line 8: description starts with '=', so a spreadsheet would run it as a formula",
        "line 9: contact_email 'not-an-email' is not an email address.",
        "line 10: anonymous must be yes or no, not 'maybe'.",
        "line 11: strands 'Racist, Homophobic' is not mapped: separate several values with a semicolon (;)",
    ]
    for text in expected:
        assert any(message.startswith(text) for message in found), (text, found)
    assert check.counts() == {"rows": 10, "new": 0, "same": 0, "changed": 0, "problems": 10}
    # The unmapped message lists what can be used.
    assert "race, religion, disability, sexual-orientation, transgender, misogyny" in found[2]
    # Line 7's incident type came from the partner's map; only its date is wrong.
    assert [p.column for p in check.rows[5].problems] == ["date"]
    # A dry run writes nothing.
    assert Report.system.count() == 0 and Draft.system.count() == 0 and AuditEvent.objects.count() == 0


def test_line_numbers_count_lines_of_cells_with_line_breaks(council):
    raw = csv_bytes([row("B1", description="first line\nsecond line\nthird"), row("B2", date="yesterday")])
    check = importing.check(raw, council)
    assert messages_of(check) == [
        "line 5: date yesterday is not a date we can read: write it as 27/03/2024 or 2024-03-27."
    ]


def test_our_own_codes_and_names_match_in_any_case_and_the_partner_map_applies(council):
    raw = csv_bytes(
        [
            row(
                "C1",
                strands="RACE; Disability; Anti-Muslim; misogynistic",
                incident_types="Verbal abuse, name calling or insults; threats",
                setting="ONLINE",
                area="Leamington Spa",
                reporter_role="Third party",
                date="03/2024",
            )
        ]
    )
    check = importing.check(raw, council)
    assert check.problems == []
    answers = check.rows[0].answers
    assert answers["why"]["strands"] == ["race", "disability", "religion"]
    assert answers["why"]["markers"] == ["misogyny"]
    assert answers["what"]["incident_types"] == ["verbal-abuse", "threats"]
    assert (answers["when-where"]["setting"], answers["when-where"]["area"]) == ("online", "warwick")
    assert (answers["when-where"]["date_kind"], answers["when-where"]["date_start"]) == (
        "about",
        "2024-03-01",
    )
    assert answers["who"]["reporter_role"] == "on-behalf"


def test_a_map_entry_pointing_nowhere_is_a_problem_of_the_file(council, settings, tmp_path):
    (tmp_path / "warwick-dc.json").write_text(json.dumps({"Racist": "racism"}))
    settings.IMPORT_MAPS_DIR = tmp_path
    check = importing.check(csv_bytes([row("D1", strands="Racist")]), council)
    assert check.file_problems and "says 'Racist' is 'racism', which is not one of our codes" in str(
        check.file_problems[0]
    )
    # Not silently dropped either: the row itself is a problem too.
    assert check.bad


@pytest.mark.parametrize(
    "raw,expected",
    [
        (
            b"partner_record_id,description\nX1,caf\xe9 owner abused\n",
            "line 2: this line has characters that are not UTF-8",
        ),
        (b"PK\x03\x04rest of a workbook", "This is an Excel workbook, not a CSV file."),
        (b"partner_record_id,what happened\nX1,abuse\n", "line 1: the file has no column description."),
        (b"partner_record_id,description,notes\nX1,abuse,x\n", "line 1: column 'notes' is not one we know"),
        (b'partner_record_id,description\nX1,"abuse\n', "line 2: the quotes on this line do not match"),
        (b"", "The file is empty."),
    ],
    ids=["latin-1", "xlsx", "missing-column", "unknown-column", "quotes", "empty"],
)
def test_malformed_files_get_a_clear_message(council, raw, expected):
    check = importing.check(raw, council)
    assert any(str(p).startswith(expected) for p in check.file_problems), messages_of(check)
    with pytest.raises(actions.ImportRefused):
        actions.import_records(
            check, agency=council, actor="user:1", by_agency="warwick-dc", skip_bad_rows=True
        )
    assert Report.system.count() == 0


def test_utf8_with_bom_and_excel_utf16_tab_separated_are_read(council):
    rows = [row("E1", description="Ściana pomalowana obraźliwymi słowami")]
    with_bom = b"\xef\xbb\xbf" + csv_bytes(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    utf16 = out.getvalue().encode("utf-16")  # with its BOM, as Excel's "Unicode text" saves it
    for raw in (with_bom, utf16):
        check = importing.check(raw, council)
        assert check.problems == [], messages_of(check)
        assert check.rows[0].answers["what"]["description"].startswith("Ściana")


def test_a_file_over_the_limit_is_refused(council, settings):
    settings.IMPORT_MAX_BYTES = 1000
    check = importing.check(csv_bytes([row(f"F{n}") for n in range(40)]), council)
    assert str(check.file_problems[0]).startswith("The file is too big")


# --- the import -------------------------------------------------------------------------------------------


def _import(raw: bytes, agency, by, **kwargs):
    check = importing.check(raw, agency)
    return check, actions.import_records(
        check, agency=agency, actor=f"user:{by.user_id}", by_agency=by.agency.code, **kwargs
    )


def test_import_creates_reports_and_cases_encrypted_and_audited(council, admin):
    raw = csv_bytes(
        [
            row(
                "G1",
                description=f"{CANARY} description",
                place=f"{CANARY} place",
                contact_name=f"{CANARY} name",
                contact_email="canary5b1e@example.org",
                contact_phone="07700 900555",
                anonymous="no",
                consent="police",
                partner_status=f"{CANARY} status",
                strands="Homophobic",
                date="14/03/2024",
            ),
            row("G2", date="2024-04-02"),
        ]
    )
    check, result = _import(raw, council, admin)
    assert len(result.created) == 2
    report = Report.system.get(pk=result.created[0].pk)
    assert report.channel == "import"
    assert report.description == f"{CANARY} description"
    assert [s.code for s in report.strands.all()] == ["sexual-orientation"]
    assert report.date_start.isoformat() == "2024-03-14" and report.date_kind == "exact"
    assert report.contact["email"] == "canary5b1e@example.org" and report.contact["channels"] == [
        "email",
        "phone",
    ]
    assert report.email_index  # found as a repeat victim like any report
    assert not report.quarantined
    # The same case creation as every report: in triage, owned by the partnership, clocked.
    case = Case.system.get(pk=report.case_id)
    assert case.status == "received" and case.owner_agency.code == "warwickshire-hcp"
    assert case.consent_share == ["police"]
    assert case.next_due_at is not None
    record = ImportedRecord.system.get(report=report)
    assert (record.partner_record_id, record.partner_status) == ("G1", f"{CANARY} status")
    assert record.file_sha256 == check.sha256
    # Nothing readable in the raw database; no tracking code left behind in a draft.
    for needle in (CANARY, "canary5b1e@example.org", "07700 900555"):
        assert tables_containing(needle) == [], needle
    assert Draft.system.count() == 0
    # Audit: the submission, the import of each report, and the import with who, the file hash and counts.
    assert AuditEvent.objects.filter(action="report.submitted").count() == 2
    per_report = AuditEvent.objects.filter(action="report.imported", object_id=str(report.uuid)).get()
    assert per_report.actor == f"user:{admin.user_id}" and per_report.details["line"] == 2
    summary = AuditEvent.objects.get(action="import.completed")
    assert summary.actor == f"user:{admin.user_id}" and summary.object_id == check.sha256
    assert summary.details["created"] == 2 and summary.details["for_agency"] == "warwick-dc"
    assert CANARY not in json.dumps(summary.details)
    assert audit.verify()[0]


def test_the_same_file_twice_adds_nothing_and_a_changed_row_is_reported(council, admin):
    rows = [row("H1"), row("H2", strands="race")]
    _import(csv_bytes(rows), council, admin)
    assert Report.system.count() == 2
    check, result = _import(csv_bytes(rows), council, admin)
    assert check.counts()["same"] == 2 and result.created == [] and Report.system.count() == 2
    # Another agency's record with the same id is a different record.
    other = member("rugby-bc", Role.AGENCY_ADMIN)
    _check, result = _import(csv_bytes([row("H1")]), other.agency, other)
    assert len(result.created) == 1
    # Changed since: reported with the report it became, never overwritten.
    changed = [row("H1", description="Somebody rewrote this record."), row("H2", strands="race"), row("H3")]
    check, result = _import(csv_bytes(changed), council, admin)
    assert [(r.line, r.record_id, r.status) for r in check.changed] == [(2, "H1", "changed")]
    original = ImportedRecord.system.filter(agency=council).order_by("pk").first().report
    assert check.changed[0].reference == original.reference
    assert result.changed == [2] and len(result.created) == 1
    assert original.description == "Abuse shouted in the street (H1)."
    # Record ids match whatever their case or surrounding spaces.
    same = row(" h2 ", strands="race", description="Abuse shouted in the street (H2).")
    check = importing.check(csv_bytes([same]), council)
    assert check.counts()["same"] == 1


def test_rows_with_problems_block_the_import_unless_asked_to_skip_them(council, admin):
    raw = csv_bytes([row("J1"), row("J2", date="31/02/2024"), row("J3")])
    check = importing.check(raw, council)
    with pytest.raises(actions.ImportRefused):
        actions.import_records(check, agency=council, actor="user:1", by_agency="warwick-dc")
    assert Report.system.count() == 0
    result = actions.import_records(
        check, agency=council, actor="user:1", by_agency="warwick-dc", skip_bad_rows=True
    )
    assert len(result.created) == 2 and result.skipped == [3]
    assert AuditEvent.objects.get(action="import.completed").details["skipped_lines"] == [3]


def test_management_command_dry_run_then_import(council, admin, tmp_path):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes([row("K1"), row("K2", consent="nobody")]))
    out = io.StringIO()
    args = ["import_records", "--agency", "warwick-dc", "--file", str(path), "--by", admin.user.username]
    call_command(*args, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "line 3: consent 'nobody' is not a code we know" in text
    assert "2 rows: 1 new, 0 already imported, 0 changed since they were imported, 1 with problems." in text
    assert "Dry run: nothing was imported." in text and Report.system.count() == 0
    with pytest.raises(CommandError, match="--skip-bad-rows"):
        call_command(*args, stdout=io.StringIO())
    out = io.StringIO()
    call_command(*args, "--skip-bad-rows", stdout=out)
    assert "Imported 1 record;" in out.getvalue() and Report.system.count() == 1
    call_command(*args, "--skip-bad-rows", stdout=io.StringIO())
    assert Report.system.count() == 1


def test_management_command_needs_someone_allowed_to_import_for_that_agency(tmp_path):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes([row("L1")]))
    caseworker = member("warwick-dc", Role.CASEWORKER)
    stranger = member("rugby-bc", Role.AGENCY_ADMIN)
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    for who in (caseworker, stranger):
        with pytest.raises(CommandError, match="may not import"):
            call_command(
                "import_records", "--agency", "warwick-dc", "--file", str(path), "--by", who.user.username
            )
    call_command(
        "import_records",
        "--agency",
        "warwick-dc",
        "--file",
        str(path),
        "--by",
        coordinator.user.username,
        stdout=io.StringIO(),
    )
    assert ImportedRecord.system.get().agency.code == "warwick-dc"


# --- access and the staff pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_only_agency_admins_and_coordinators_open_the_import_pages(role):
    viewer = member("warwick-dc", role)
    client = signed_in(viewer)
    allowed = role in policy.PARTNERSHIP_PAGES["import"]
    for url in ("/staff/import/", "/staff/import/template.csv"):
        assert client.get(url).status_code == (200 if allowed else 404), url
    response = client.post(
        "/staff/import/", {"agency": "warwick-dc", "file": _upload(csv_bytes([row("M1")]))}
    )
    assert response.status_code == (302 if allowed else 404)
    assert PendingImport.system.count() == (1 if allowed else 0)


def test_import_pages_need_the_second_factor(admin, client):
    assert client.get("/staff/import/")["Location"].startswith("/staff/login/")
    client.post("/staff/login/", {"username": admin.user.username, "password": "a long staff passphrase 42"})
    for url in ("/staff/import/", "/staff/import/template.csv"):
        assert client.get(url)["Location"] == "/staff/mfa/setup/"


def test_an_agency_admin_imports_only_for_their_own_agency_and_sees_only_their_uploads(admin):
    client = signed_in(admin)
    response = client.post("/staff/import/", {"agency": "rugby-bc", "file": _upload(csv_bytes([row("N1")]))})
    assert response.status_code == 400 and PendingImport.system.count() == 0
    other = signed_in(member("warwick-dc", Role.AGENCY_ADMIN))
    other.post("/staff/import/", {"agency": "warwick-dc", "file": _upload(csv_bytes([row("N1")]))})
    pending = PendingImport.system.get()
    assert client.get(f"/staff/import/{pending.uuid}/").status_code == 404
    assert client.post(f"/staff/import/{pending.uuid}/").status_code == 404
    assert client.post(f"/staff/import/{pending.uuid}/cancel/").status_code == 404
    assert Report.system.count() == 0 and PendingImport.system.count() == 1


def _upload(raw: bytes, name: str = "records.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, raw, content_type="text/csv")


def test_staff_page_flow_upload_dry_run_confirm(admin):
    client = signed_in(admin)
    page = client.get("/staff/import/")
    assert "Download the template (CSV)" in page.content.decode()
    rows = [row("P1", description=f"{CANARY} in a file"), row("P2", date="31/02/2024"), row("P3")]
    raw = b"\xef\xbb\xbf" + csv_bytes(rows)  # with a BOM: the audit names the file as uploaded
    response = client.post("/staff/import/", {"agency": "warwick-dc", "file": _upload(raw)})
    assert response.status_code == 302
    pending = PendingImport.system.get()
    assert tables_containing(CANARY) == []  # the file waits encrypted
    review = client.get(response["Location"])
    body = review.content.decode()
    assert review.status_code == 200 and Report.system.count() == 0
    assert re.search(r'id="count-new">2<', body) and re.search(r'id="count-problems">1<', body)
    assert "date 31/02/2024 is not a real date." in body
    # Confirming without leaving out the bad row: refused, said why, nothing imported, file kept.
    refused = client.post(response["Location"], {})
    assert (
        refused.status_code == 400 and "Nothing was imported: 1 row has problems" in refused.content.decode()
    )
    assert Report.system.count() == 0 and PendingImport.system.filter(pk=pending.pk).exists()
    done = client.post(response["Location"], {"skip_bad_rows": "yes"})
    assert done.status_code == 302 and done["Location"] == "/staff/import/"
    assert Report.system.filter(channel="import").count() == 2
    assert not PendingImport.system.exists()
    banner = client.get("/staff/import/").content.decode()
    assert "Imported 2 records from Warwick District Council" in banner and "on lines: 3" in banner
    assert {"import.checked", "import.completed", "import.discarded"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    assert AuditEvent.objects.get(action="import.completed").object_id == hashlib.sha256(raw).hexdigest()
    # The same file again: nothing new, and nothing to confirm.
    again = client.post("/staff/import/", {"agency": "warwick-dc", "file": _upload(raw)})
    body = client.get(again["Location"]).content.decode()
    assert re.search(r'id="count-same">2<', body) and "There is nothing new to import" in body


def test_staff_page_refuses_bad_files_with_a_clear_message(admin, settings):
    client = signed_in(admin)
    response = client.post("/staff/import/", {"agency": "warwick-dc"})
    assert response.status_code == 400 and "Choose the CSV file to check." in response.content.decode()
    response = client.post(
        "/staff/import/", {"agency": "warwick-dc", "file": _upload(b"PK\x03\x04", name="records.xlsx")}
    )
    assert "The file must be a CSV file" in response.content.decode()
    response = client.post("/staff/import/", {"agency": "warwick-dc", "file": _upload(b"id,text\n1,x\n")})
    assert response.status_code == 400
    assert "line 1: the file has no column partner_record_id." in response.content.decode()
    settings.IMPORT_MAX_BYTES = 100
    response = client.post(
        "/staff/import/", {"agency": "warwick-dc", "file": _upload(csv_bytes([row("Q1")]) + b"x" * 70_000)}
    )
    assert response.status_code == 400 and "The file is too big" in response.content.decode()
    assert PendingImport.system.count() == 0


def test_an_upload_is_read_only_in_memory(admin, settings, monkeypatch):
    from django.core.files import uploadhandler

    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 4096
    monkeypatch.setattr(
        uploadhandler.TemporaryFileUploadHandler,
        "new_file",
        lambda *args, **kwargs: pytest.fail("the upload went to a temporary file"),
    )
    raw = csv_bytes([row(f"S{n}") for n in range(200)])
    response = signed_in(admin).post("/staff/import/", {"agency": "warwick-dc", "file": _upload(raw)})
    assert response.status_code == 400 and "The file is too big: at most 4 KB." in response.content.decode()
    assert PendingImport.system.count() == 0


def test_a_coordinator_may_import_for_any_agency_and_cancel(council):
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    client = signed_in(coordinator)
    assert 'name="agency"' in client.get("/staff/import/").content.decode()
    response = client.post(
        "/staff/import/", {"agency": "warwick-dc", "file": _upload(csv_bytes([row("R1")]))}
    )
    pending = PendingImport.system.get()
    assert pending.agency == council
    assert client.post(f"/staff/import/{pending.uuid}/cancel/").status_code == 302
    assert not PendingImport.system.exists() and Report.system.count() == 0
    assert client.get(response["Location"]).status_code == 404


# --- generated rows ---------------------------------------------------------------------------------------

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "yes",
            "no",
            "race",
            "Racist",
            "31/02/2024",
            "2024-03-01",
            "03/2024",
            '=HYPERLINK("x")',
            "+44 7700 900123",
            "-1",
            "@SUM(A1)",
            "police; council",
            "none",
            "a@example.org",
            "\x00",
            "\ud800",
            "\u202e",
            '"',
            "\r\n",
            ";",
            "victim",
            "9" * 30,
        ]
    ),
)


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_rows_never_crash_the_parser(data):
    agency = Agency.objects.get(code="warwick-dc")
    columns = data.draw(st.lists(st.sampled_from(COLUMNS), unique=True, min_size=2))
    columns = list(dict.fromkeys(["partner_record_id", "description", *columns]))
    rows = data.draw(st.lists(st.fixed_dictionaries({c: cell for c in columns}), max_size=6))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for values in rows:
        writer.writerow(values)
    raw = out.getvalue().encode("utf-8", "surrogatepass")
    cut = data.draw(st.booleans())
    if cut:
        raw = raw[: data.draw(st.integers(0, len(raw)))]  # cut anywhere
    check = importing.check(raw, agency)
    for parsed in check.rows:
        assert parsed.status in ("new", "problem")
        assert (parsed.status == "problem") == bool(parsed.problems)
        assert all(p.line == parsed.line for p in parsed.problems)
    if not cut:
        assert check.rows or check.file_problems or not any(v.strip() for r in rows for v in r.values())
    assert Report.system.count() == 0
