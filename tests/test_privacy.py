"""Nothing a reporter tells us is readable from a stolen database or evidence store, and anonymous
reports keep no IP address or user agent anywhere (design/security.md)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from standtogether.intake.models import Report
from tests.rawscan import tables_containing
from tests.walk import walk

CANARY = "CANARY-7f3a-secret-words"
IP = "203.0.113.77"
AGENT = "CanaryBrowser/9.9 (Secret Phone)"


def _pdf_with_text(text: str) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    stream = StreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _full_answers() -> dict:
    return {
        "what": {"description": f"{CANARY} description"},
        "why": {"other_reason": f"{CANARY} reason"},
        "when-where": {"place": f"{CANARY} place", "online_platform": f"{CANARY} app"},
        "people": {"perpetrator": f"{CANARY} perpetrator"},
        "contact": {
            "anonymous": "no",
            "name": f"{CANARY} name",
            "email": "canary7f3a@example.org",
            "phone": "07700 900777",
            "address": f"{CANARY} address",
            "channels": ["email"],
            "safe_times": f"{CANARY} times",
        },
        "needs": {
            "other_needs": f"{CANARY} needs",
            "interpreter": "yes",
            "interpreter_language": f"{CANARY} lang",
        },
    }


@pytest.mark.django_db
def test_canary_never_appears_in_any_table(client):
    walk(client, _full_answers(), REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    assert Report.system.count() == 1
    for needle in (CANARY, "canary7f3a@example.org", "07700 900777"):
        assert tables_containing(needle) == [], needle


@pytest.mark.django_db
def test_anonymous_report_keeps_no_ip_or_user_agent_anywhere(client, caplog):
    caplog.set_level(logging.DEBUG)
    walk(client, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    client.get("/en/track/", REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    client.post(
        "/en/track/", {"reference": "WST-0000-0000", "code": "x"}, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT
    )
    assert Report.system.get().anonymous
    assert tables_containing(IP) == []
    assert tables_containing("CanaryBrowser") == []
    assert IP not in caplog.text and "CanaryBrowser" not in caplog.text


@pytest.mark.django_db
def test_evidence_store_holds_only_ciphertext(client):
    client.get("/en/report/who/")
    client.post("/en/report/what/", {"description": "with a document"})
    pdf = _pdf_with_text(CANARY)
    upload = io.BytesIO(pdf)
    upload.name = "letter.pdf"
    response = client.post("/en/report/evidence/", {"files": [upload], "upload": "1"})
    assert response.status_code == 302
    stored = list(Path(settings.EVIDENCE_DIR).rglob("*"))
    files = [p for p in stored if p.is_file()]
    assert files, "the evidence was not stored"
    for path in files:
        data = path.read_bytes()
        assert CANARY.encode() not in data and b"%PDF" not in data
        assert path.stat().st_mode & 0o777 == 0o600
    static_root = Path(settings.STATIC_ROOT).resolve()
    assert not Path(settings.EVIDENCE_DIR).resolve().is_relative_to(static_root)


@pytest.mark.django_db(transaction=True)
def test_canary_absent_from_the_raw_database_files(client):
    walk(client, _full_answers())
    assert tables_containing(CANARY) == []  # committed data, both databases
    if connection.vendor != "sqlite":
        return  # PostgreSQL's files belong to the server; the committed-row scan above covers it
    path = Path(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
    wal = path.with_name(path.name + "-wal")
    raw = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert CANARY.encode() not in raw
    assert b"canary7f3a@example.org" not in raw
    # The check can fail: the plain taxonomy names are in the file, so we really are reading it.
    assert b"Sexual orientation" in raw
