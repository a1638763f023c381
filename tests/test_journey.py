"""The public reporting journey end to end through Django (the browser tests drive the same in Chromium)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from standtogether.cases.models import Case
from standtogether.core.models import AuditEvent
from standtogether.intake.journey import STEPS, TOTAL_STEPS
from standtogether.intake.models import Draft, Report
from tests.walk import confirmation_codes, post_step, submit_key, walk

pytestmark = pytest.mark.django_db

FULL = {
    "who": {"reporter_role": "targeted"},
    "what": {
        "description": "A man grabbed my arm at the traffic lights and shouted about my headscarf.",
        "incident_types": ["physical-assault", "verbal-abuse"],
    },
    "why": {"strands": ["religion", "race"], "markers": ["misogyny"]},
    "when-where": {
        "date_kind": "exact",
        "date_start_0": "3",
        "date_start_1": "11",
        "date_start_2": "2026",
        "setting": "street",
        "area": "warwick",
        "place": "Parade, Leamington Spa",
        "happened_before": "no",
    },
    "people": {"perpetrator": "White van, man about 40", "others_present": "yes", "children_involved": "yes"},
    "contact": {
        "anonymous": "no",
        "name": "Amina",
        "email": "amina@example.org",
        "phone": "07700 900123",
        "channels": ["phone", "sms"],
        "safe_times": "school hours",
        "safety": ["no-home-visits"],
    },
    "needs": {
        "preferred_language": "ar",
        "interpreter": "yes",
        "interpreter_language": "Arabic",
        "accessibility": ["large-print"],
        "officer_gender": "woman",
        "support": ["victim-support"],
    },
    "consent": {"share": ["police", "victim-support"]},
}


def test_every_step_page_says_step_n_of_m_and_has_a_back_link(client):
    client.get("/en/report/")
    for number, step in enumerate(STEPS, start=1):
        page = client.get(f"/en/report/{step.slug}/").content.decode()
        assert f"Step {number} of {TOTAL_STEPS}" in page
        assert 'class="govuk-back-link"' in page
        assert "Exit this page" in page


def test_scenario_1_full_report_is_stored_with_a_case_in_triage(client):
    response = walk(client, FULL)
    assert response.status_code == 302 and response["Location"] == "/en/report/sent/"
    reference, secret = confirmation_codes(client)
    report = Report.system.get(reference=reference)
    assert report.description.startswith("A man grabbed my arm")
    assert {s.code for s in report.strands.all()} == {"religion", "race"}
    assert {m.code for m in report.markers.all()} == {"misogyny"}
    assert report.date_start == dt.date(2026, 11, 3) and report.area.code == "warwick"
    assert report.anonymous is False
    assert report.contact["email"] == "amina@example.org"
    assert report.contact["safety"] == ["no-home-visits"]
    assert report.needs["officer_gender"] == "woman"
    assert report.interpreter_needed and report.preferred_language == "ar"
    assert report.consent["share"] == ["police", "victim-support"]
    case = report.case
    assert case.status == "received" and case.reference == reference
    assert case.owner_agency.code == "warwickshire-hcp"
    assert case.flag_children and case.flag_threats_violence and case.flag_interpreter
    assert not case.flag_anonymous
    assert secret not in report.tracking_hash
    assert AuditEvent.objects.filter(action="report.submitted", object_id=str(report.uuid)).exists()


def test_only_the_description_is_required(client):
    response = walk(client)
    assert response.status_code == 302
    report = Report.system.get()
    assert report.anonymous and report.contact == {}
    assert report.strands.count() == 0 and report.setting is None


def test_missing_description_gets_a_specific_message_linked_to_the_field(client):
    client.get("/en/report/what/")
    response = post_step(client, "what", {"description": "   ", "incident_types": ["threats"]})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_description"' in page
    assert "This is the only question you must answer" in page
    assert 'value="threats" checked' in page  # what was ticked is still ticked


def test_check_page_lists_answers_with_change_links_and_returns_to_check(client):
    walk(client, FULL, submit=False)
    page = client.get("/en/report/check/").content.decode()
    assert "A man grabbed my arm" in page and "Parade, Leamington Spa" in page
    assert "/en/report/when-where/?return=check" in page
    response = post_step(client, "people", {"perpetrator": "changed"}, QUERY_STRING="return=check")
    assert response["Location"] == "/en/report/check/"


def test_refresh_and_back_lose_nothing(client):
    client.get("/en/report/who/")
    post_step(client, "what", {"description": "words I typed"})
    page = client.get("/en/report/what/").content.decode()
    assert "words I typed" in page


def test_submitting_without_description_is_refused_on_the_check_page(client):
    client.get("/en/report/who/")
    key = submit_key(client)
    response = client.post("/en/report/check/", {"submit_key": key})
    assert response.status_code == 400
    assert "Tell us what happened" in response.content.decode()
    assert not Report.system.exists()


def test_double_submit_makes_one_report(client):
    walk(client, submit=False)
    key = submit_key(client)
    first = client.post("/en/report/check/", {"submit_key": key})
    second = client.post("/en/report/check/", {"submit_key": key})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/en/report/sent/"
    assert Report.system.count() == 1 and Case.system.count() == 1


def test_tampered_submit_key_is_refused_with_a_message_and_answers_kept(client):
    walk(client, submit=False)
    submit_key(client)
    response = client.post("/en/report/check/", {"submit_key": "forged"})
    assert response.status_code == 400
    assert "out of date" in response.content.decode()
    assert "Someone shouted racist abuse" in response.content.decode()
    assert not Report.system.exists()


def test_confirmation_shows_reference_secret_and_what_happens_next(client):
    walk(client, FULL)
    page = client.get("/en/report/sent/").content.decode()
    assert "within 1 working day" in page
    assert "Victim Support" in page
    reference, secret = confirmation_codes(client)
    assert reference.startswith("WST-") and len(secret) == 19


def test_after_submission_the_journey_cannot_be_reused(client):
    walk(client)
    response = client.get("/en/report/what/")
    assert response["Location"] == "/en/report/sent/"


def test_save_and_come_back_later_with_a_resume_code(client):
    client.get("/en/report/who/")
    response = post_step(client, "what", {"description": "saved for later", "save_later": "1"})
    assert response["Location"] == "/en/report/save/"
    page = client.post("/en/report/save/").content.decode()
    code = page.split('id="resume-code">')[1].split("<")[0]
    other = type(client)()
    response = other.post("/en/report/continue/", {"code": code.lower()})
    assert response["Location"] == "/en/report/check/"
    assert "saved for later" in other.get("/en/report/check/").content.decode()


def test_wrong_resume_code_gets_a_generic_message(client):
    response = client.post("/en/report/continue/", {"code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ12"})
    assert response.status_code == 400
    assert "could not find a saved report" in response.content.decode()


def test_drafts_expire_and_are_purged(client):
    client.get("/en/report/who/")
    post_step(client, "what", {"description": "old draft"})
    Draft.system.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    from standtogether.intake.journey import purge_expired

    assert purge_expired() == 1
    page = client.get("/en/report/what/").content.decode()
    assert "old draft" not in page


def test_draft_answers_are_encrypted_at_rest(client):
    client.get("/en/report/who/")
    post_step(client, "what", {"description": "CANARY-draft-text"})
    raw = Draft.system.values_list("answers", flat=True).get()
    assert b"CANARY" not in bytes(raw)


def test_honeypot_quarantines_instead_of_deleting(client):
    client.get("/en/report/who/")
    post_step(client, "what", {"description": "spam", "website": "http://spam.example"})
    key = submit_key(client)
    client.post("/en/report/check/", {"submit_key": key})
    report = Report.system.get()
    assert report.quarantined and report.case.flag_quarantined


def test_too_fast_submission_is_quarantined(client, settings):
    settings.SUBMIT_MIN_SECONDS = 3600
    walk(client)
    assert Report.system.get().quarantined


def test_arabic_pages_are_right_to_left_and_keep_the_language(client):
    page = client.get("/ar/report/").content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    client.get("/ar/report/who/")
    client.post("/ar/report/what/", {"description": "وصف"})
    draft = Draft.system.get()
    assert draft.language == "ar"
