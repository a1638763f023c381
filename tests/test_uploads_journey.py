"""Uploads inside the journey: a bad file is named with its reason, nothing is stored for it, and every
other answer and file is kept (uploads.py itself is tested in test_uploads.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from standtogether.intake.models import Draft, Evidence, Report
from tests.walk import submit_key

pytestmark = pytest.mark.django_db


def _png(name="photo.png") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def _named(content: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


def test_good_file_is_kept_bad_file_is_named_and_answers_survive(client):
    client.get("/en/report/who/")
    client.post("/en/report/what/", {"description": "my words stay"})
    response = client.post(
        "/en/report/evidence/",
        {"files": [_png(), _named(b"<html><script>alert(1)</script></html>", "evil.jpg")], "upload": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "evil.jpg" in page and "Some files were not added" in page
    assert "photo.png" in page  # the good one is listed as added
    assert Evidence.system.count() == 1
    assert "my words stay" in client.get("/en/report/what/").content.decode()


@pytest.mark.parametrize(
    "content,name,expected",
    [
        (b"", "empty.png", "empty"),
        (b"PK\x03\x04" + b"\x00" * 100, "photos.zip", "zip"),
        (b"MZ\x90\x00" + b"\x00" * 100, "photo.jpg", "photos or screenshots"),
    ],
)
def test_bad_files_get_a_specific_message(client, content, name, expected):
    client.get("/en/report/who/")
    response = client.post("/en/report/evidence/", {"files": [_named(content, name)], "upload": "1"})
    assert response.status_code == 400
    assert expected.lower() in response.content.decode().lower()
    assert Evidence.system.count() == 0


def test_count_cap(client, settings):
    settings.UPLOAD_MAX_FILES = 2
    client.get("/en/report/who/")
    client.post(
        "/en/report/evidence/", {"files": [_png("a.png"), _png("b.png"), _png("c.png")], "upload": "1"}
    )
    assert Evidence.system.count() == 2


def test_evidence_moves_to_the_report_and_can_be_removed_before(client):
    client.get("/en/report/who/")
    client.post("/en/report/what/", {"description": "stickers near the hotel"})
    client.post("/en/report/evidence/", {"files": [_png("a.png"), _png("b.png")], "upload": "1"})
    first = Evidence.system.order_by("id").first()
    client.post("/en/report/evidence/", {"remove": str(first.uuid)})
    assert Evidence.system.count() == 1
    key = submit_key(client)
    client.post("/en/report/check/", {"submit_key": key})
    report = Report.system.get()
    assert report.evidence.count() == 1 and report.case.flag_evidence
    assert Draft.system.get().evidence.count() == 0
