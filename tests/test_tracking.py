"""Tracking a report with reference + secret code; wrong codes are generic and rate limited."""

from __future__ import annotations

import pytest

from standtogether.core.models import AuditEvent
from standtogether.intake.models import Addition
from tests.factories import make_report_with_secret

pytestmark = pytest.mark.django_db


def test_reference_and_code_open_the_status_page(client):
    report, secret = make_report_with_secret()
    response = client.post(
        "/en/track/", {"reference": report.reference.lower(), "code": secret.replace("-", " ")}
    )
    assert response["Location"] == "/en/track/report/"
    page = client.get("/en/track/report/").content.decode()
    assert report.reference in page and "Received" in page
    assert "Add information or evidence" in page


def test_wrong_code_gets_one_generic_message(client):
    report, secret = make_report_with_secret()
    wrong = client.post("/en/track/", {"reference": report.reference, "code": "AAAA-BBBB-CCCC-DDDD"})
    unknown = client.post("/en/track/", {"reference": "WST-0000-0000", "code": secret})
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "The reference or the secret code is not right" in response.content.decode()
    assert client.get("/en/track/report/")["Location"] == "/en/track/"


def test_a_reference_is_locked_after_repeated_failures_even_with_the_right_code(client, settings):
    report, secret = make_report_with_secret()
    limit, _ = settings.RATE_LIMITS["track_reference"]
    for n in range(limit):
        # Different clients (addresses) guessing the same reference.
        client.post(
            "/en/track/", {"reference": report.reference, "code": "WRONG"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
    response = client.post(
        "/en/track/", {"reference": report.reference, "code": secret}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 400 and "Too many tries" in response.content.decode()


def test_one_client_is_throttled_across_references(client, settings):
    limit, _ = settings.RATE_LIMITS["track"]
    for n in range(limit):
        client.post("/en/track/", {"reference": f"WST-000{n % 10}-0000", "code": "WRONG"})
    report, secret = make_report_with_secret()
    response = client.post("/en/track/", {"reference": report.reference, "code": secret})
    assert "Too many tries" in response.content.decode()


def test_adding_information_is_stored_encrypted_and_audited(client):
    report, secret = make_report_with_secret()
    client.post("/en/track/", {"reference": report.reference, "code": secret})
    response = client.post("/en/track/add/", {"text": "He came back today."})
    assert response["Location"] == "/en/track/report/?added=1"
    addition = Addition.system.get(report=report)
    assert addition.text == "He came back today."
    assert AuditEvent.objects.filter(action="report.information_added", object_id=str(report.uuid)).exists()
    assert "We have added your information" in client.get("/en/track/report/?added=1").content.decode()


def test_adding_nothing_gets_a_clear_message(client):
    report, secret = make_report_with_secret()
    client.post("/en/track/", {"reference": report.reference, "code": secret})
    response = client.post("/en/track/add/", {"text": ""})
    assert response.status_code == 400
    assert "Write something to add, or choose a file" in response.content.decode()


def test_closing_the_report_on_this_device_forgets_it(client):
    report, secret = make_report_with_secret()
    client.post("/en/track/", {"reference": report.reference, "code": secret})
    client.post("/en/track/stop/")
    assert client.get("/en/track/report/")["Location"] == "/en/track/"
