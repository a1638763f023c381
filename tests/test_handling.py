"""Case handling stories from design/product.md: named officer, contact safety, updates in the reporter's
language through a real SMTP server, concerns, escalation of missed clocks, closure and concurrency."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings

from standtogether.cases import actions
from standtogether.cases.models import Case, Escalation
from standtogether.cases.tasks import run_clock_checks
from standtogether.notify.models import Message
from standtogether.partners.models import Role
from tests.factories import make_report_with_secret
from tests.staff import member, signed_in

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")

AMINA = {
    "anonymous": "no",
    "name": "Amina",
    "email": "amina@example.org",
    "phone": "07700900123",
    "address": "",
    "channels": ["email", "phone"],
    "safe_times": "while the children are at school",
    "safety": ["no-home-visits"],
}
PUPIL = {
    "anonymous": "no",
    "name": "J",
    "email": "",
    "phone": "07700900999",
    "address": "1 Home Street",
    "channels": ["sms"],
    "safe_times": "after 4pm on weekdays",
    "safety": ["family-does-not-know", "no-letters", "not-through-family"],
}


def _track(client, report, secret):
    client.post("/en/track/", {"reference": report.reference, "code": secret})
    return client.get("/en/track/report/").content.decode()


def test_scenario_1_female_officer_requested_warns_on_a_male_officer_and_tracking_names_her(client):
    report, secret = make_report_with_secret(contact=AMINA, needs={"officer_gender": "woman"})
    case = report.case
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    tom = member("warwickshire-hcp", Role.CASEWORKER, first_name="Tom", gender="man")
    sara = member(
        "warwickshire-hcp",
        Role.CASEWORKER,
        first_name="Sara",
        gender="woman",
        job_title="Hate crime caseworker",
    )
    staff = signed_in(coordinator)
    page = staff.post(
        f"/staff/cases/{case.reference}/assign/", {"officer": tom.pk, "version": case.version}, follow=True
    ).content.decode()
    assert "The reporter asked to speak to a woman." in page
    case.refresh_from_db()
    page = staff.post(
        f"/staff/cases/{case.reference}/assign/", {"officer": sara.pk, "version": case.version}, follow=True
    ).content.decode()
    assert "asked to speak to a woman" not in page.split("Case assigned.")[1].split("<main")[0]
    tracking = _track(client, report, secret)
    assert "Sara, Hate crime caseworker, Warwickshire Hate Crime Partnership" in tracking
    # No home visits: the system refuses one and says why.
    with pytest.raises(actions.Refused) as refused:
        actions.record_contact(
            case, channel="in-person", kind="contact", summary="visit", by=sara, home_visit=True
        )
    assert "no home visits" in str(refused.value)


def test_scenario_2_pupil_not_out_is_never_contacted_at_home(
    smtp_inbox, settings, django_capture_on_commit_callbacks
):
    report, _secret = make_report_with_secret(contact=PUPIL)
    case = report.case
    worker = member("warwickshire-hcp", Role.COORDINATOR)
    for channel in ("letter", "phone", "email"):
        with pytest.raises(actions.Refused):
            actions.record_contact(case, channel=channel, kind="contact", summary="x", by=worker)
    client = signed_in(worker)
    page = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "No letters to the home: the reporter&#x27;s family must not find out." in page
    assert "Safe times: after 4pm on weekdays" in page
    response = client.post(
        f"/staff/cases/{case.reference}/contact/",
        {"channel": "letter", "kind": "contact", "summary": "letter home"},
        follow=True,
    )
    assert "Not allowed" in response.content.decode()
    actions.record_contact(case, channel="sms", kind="contact", summary="texted after school", by=worker)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_contact(
            case, channel="tracking", kind="update", summary="We spoke to the school.", by=worker
        )
    sent = list(Message.system.filter(case=case))
    assert [m.channel for m in sent] == ["sms"] and sent[0].status == "sent"
    assert smtp_inbox.messages == []
    files = list(Path(settings.SMS_DIR).glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["to"] == "07700900999"
    # The text says there is news, never what: a phone may be seen by others.
    assert "school" not in json.loads(files[0].read_text())["body"]


def test_update_reaches_the_reporter_in_their_language_through_a_real_smtp_server(
    smtp_inbox, client, django_capture_on_commit_callbacks
):
    report, secret = make_report_with_secret(
        contact={**AMINA, "channels": ["email"]}, needs={"preferred_language": "ar"}
    )
    worker = member("warwickshire-hcp", Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_contact(
            report.case, channel="tracking", kind="update", summary="We have spoken to the police.", by=worker
        )
    assert len(smtp_inbox.messages) == 1
    mail = smtp_inbox.messages[0]
    assert mail["To"] == "amina@example.org"
    body = mail.get_content()
    assert report.reference in body and "/ar/track/" in body
    assert "police" not in body  # the content stays on the tracking page
    assert "تحديث" in mail["Subject"] or "تحديث" in body  # Arabic
    assert "We have spoken to the police." in _track(client, report, secret)


def test_anonymous_reporters_see_updates_on_the_tracking_page_only(smtp_inbox, client):
    report, secret = make_report_with_secret()
    worker = member("warwickshire-hcp", Role.COORDINATOR)
    actions.record_contact(
        report.case, channel="tracking", kind="update", summary="Stickers removed.", by=worker
    )
    assert smtp_inbox.messages == [] and not Message.system.exists()
    assert "Stickers removed." in _track(client, report, secret)


def test_scenario_12_missed_update_clock_escalates_within_a_day_and_concern_is_answered(client, smtp_inbox):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON), tick=False):
        report, secret = make_report_with_secret(contact=AMINA)
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=LONDON), tick=False):
        counts = run_clock_checks()
        assert counts["breaches"] >= 1
        assert Escalation.system.filter(case=report.case, kind="breach", clock="first_contact").exists()
        assert run_clock_checks()["breaches"] == 0  # recorded once
    page = _track(client, report, secret)
    assert "Not happy with how your report is handled?" in page
    client.post("/en/track/concern/", {"concern": "Nobody has called me."})
    assert "We have your concern" in client.get("/en/track/report/").content.decode()
    concern = Escalation.system.get(kind="concern")
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    staff = signed_in(coordinator)
    page = staff.get("/staff/escalations/").content.decode()
    assert "Nobody has called me." in page
    staff.post(f"/staff/escalations/{concern.pk}/", {"note": "Sorry. Sara will call you today."})
    assert "Sorry. Sara will call you today." in client.get("/en/track/report/").content.decode()


def test_reporter_can_stop_sharing_from_the_tracking_page(client):
    report, secret = make_report_with_secret(
        contact=AMINA, consent={"share": ["police"], "partnership_only": False}
    )
    page = _track(client, report, secret)
    assert "Stop sharing my report" in page
    client.post("/en/track/stop-sharing/")
    assert "You asked us to stop sharing your report" in client.get("/en/track/report/").content.decode()
    case = Case.system.get(pk=report.case_id)
    assert case.consent_withdrawn_at and case.consented_to() == []


def test_supervisors_hear_of_a_missed_deadline_by_email(smtp_inbox):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON), tick=False):
        report, _ = make_report_with_secret(contact=AMINA)
        boss = member("warwickshire-hcp", Role.SUPERVISOR)
        boss.user.email = "boss@example.org"
        boss.user.save()
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=LONDON), tick=False):
        run_clock_checks()
    subjects = [m["Subject"] for m in smtp_inbox.messages if m["To"] == "boss@example.org"]
    assert any(report.reference in s and "Missed deadline" in s for s in subjects)
    assert all("Amina" not in m.get_content() for m in smtp_inbox.messages)


def test_case_cannot_close_until_the_reporter_is_told(client):
    report, secret = make_report_with_secret(contact=AMINA)
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    case = report.case
    with pytest.raises(actions.Refused):
        actions.close_case(case, outcome="support", detail="", told=False, by=coordinator)
    actions.close_case(
        case,
        outcome="community-resolution",
        detail="The man apologised in a meeting.",
        told=True,
        by=coordinator,
    )
    page = _track(client, report, secret)
    assert "Community resolution" in page and "The man apologised in a meeting." in page


def test_two_people_editing_one_case_never_silently_overwrite(client):
    report, _ = make_report_with_secret(contact=AMINA)
    case = report.case
    first, second = member("warwickshire-hcp", Role.SUPERVISOR), member("warwickshire-hcp", Role.COORDINATOR)
    a, b = signed_in(first), signed_in(second)
    seen = case.version
    a.post(f"/staff/cases/{case.reference}/classify/", {"classification": "crime", "version": seen})
    response = b.post(
        f"/staff/cases/{case.reference}/risk/", {"q_violence": "on", "version": seen}, follow=True
    )
    assert "Someone else changed this case" in response.content.decode()
    case = Case.system.get(pk=case.pk)
    assert (case.classification, case.risk) == ("crime", "")


def test_risk_questionnaire_scores_into_levels_from_configuration():
    from standtogether.cases.risk import score

    report, _ = make_report_with_secret(contact=AMINA)
    worker = member("warwickshire-hcp", Role.CASEWORKER)
    assert score({})[1] == "standard"
    case = actions.assess_risk(report.case, answers={"repeat": True, "fear": True}, by=worker)
    assert case.risk == "medium"
    case = actions.assess_risk(case, answers={"violence": True, "threats-to-kill": True}, by=worker)
    assert case.risk == "high" and case.risk_assessments.count() == 2


def test_reading_contact_details_needs_a_reason_and_is_logged(client):
    from standtogether.core.models import AuditEvent

    report, _ = make_report_with_secret(contact=AMINA)
    staff = signed_in(member("warwickshire-hcp", Role.CASEWORKER))
    page = staff.get(f"/staff/cases/{report.reference}/").content.decode()
    assert "amina@example.org" not in page
    staff.post(f"/staff/cases/{report.reference}/reveal/", {"reason": "to arrange first contact"})
    assert "amina@example.org" in staff.get(f"/staff/cases/{report.reference}/").content.decode()
    event = AuditEvent.objects.get(action="case.read_sensitive")
    assert event.reason == "to arrange first contact"


def test_clock_settings_are_configuration(settings):
    assert set(django_settings.CLOCKS) >= {
        "first_contact",
        "support_referral",
        "update_after_event",
        "update_interval_days",
    }


def test_staff_confirm_strands_and_markers_when_classifying():
    report, _ = make_report_with_secret(contact=AMINA, why={"strands": ["religion"], "markers": []})
    staff = signed_in(member("warwickshire-hcp", Role.COORDINATOR))
    page = staff.get(f"/staff/cases/{report.reference}/").content.decode()
    assert 'value="religion" checked' in page  # starts from what the reporter perceived
    staff.post(
        f"/staff/cases/{report.reference}/classify/",
        {
            "classification": "crime",
            "strands": ["religion", "race"],
            "markers": ["misogyny"],
            "version": report.case.version,
        },
    )
    case = Case.system.get(pk=report.case_id)
    assert case.classification == "crime"
    assert {s.code for s in case.strands.all()} == {"religion", "race"}
    assert [m.code for m in case.markers.all()] == ["misogyny"]
    assert {s.code for s in report.strands.all()} == {"religion"}  # the reporter's own answer is kept


def test_a_concern_that_is_too_long_comes_back_with_its_text(client):
    report, secret = make_report_with_secret(contact=AMINA)
    _track(client, report, secret)
    text = "Nobody called me back. " * 200  # over 3000 characters
    response = client.post("/en/track/concern/", {"concern": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert "up to 3000 characters" in page and "Nobody called me back." in page
    assert not Escalation.system.filter(case=report.case).exists()


def test_staff_forms_keep_what_was_typed_when_refused_in_conflict_or_incomplete():
    """A refusal, a conflict or a mistake shows the case page again with the form as it was filled in."""
    report, _ = make_report_with_secret(contact=PUPIL)
    case = report.case
    worker = member("warwickshire-hcp", Role.COORDINATOR)
    client = signed_in(worker)
    url = f"/staff/cases/{case.reference}"
    refused = client.post(
        f"{url}/contact/",
        {"channel": "letter", "kind": "contact", "summary": "Wrote to say the school knows"},
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Not allowed" in page and "Wrote to say the school knows" in page
    stale = case.version
    client.post(f"{url}/classify/", {"classification": "crime", "version": stale})
    conflict = client.post(
        f"{url}/close/",
        {"outcome": "support", "detail": "Victim Support met her twice.", "told": "on", "version": stale},
    )
    page = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Someone else changed this case" in page and "Victim Support met her twice." in page
    current = Case.system.get(pk=case.pk).version
    assert f'name="version" value="{current}"' in page  # sending again saves against the case as it is now
    incomplete = client.post(f"{url}/refer/", {"agency": "", "note": "Housing can move them quickly"})
    assert incomplete.status_code == 400
    assert "Housing can move them quickly" in incomplete.content.decode()
    assert Case.system.get(pk=case.pk).status != "closed"


def test_an_answer_to_a_concern_that_cannot_be_saved_comes_back_with_its_text():
    report, _ = make_report_with_secret(contact=AMINA)
    escalation = actions.raise_concern(report.case, text="Nobody has called me.")
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    client = signed_in(coordinator)
    answer = "We are sorry. Your officer will call you today. " * 70  # over 3000 characters
    response = client.post(f"/staff/escalations/{escalation.pk}/", {"note": answer})
    assert response.status_code == 400
    assert "We are sorry. Your officer will call you today." in response.content.decode()
    assert Escalation.system.get(pk=escalation.pk).resolved_at is None


def test_an_interpreter_request_is_a_flag_and_the_first_contact_clock_says_to_book_one():
    report, _ = make_report_with_secret(
        contact=AMINA, needs={"preferred_language": "ar", "interpreter": "yes", "interpreter_language": "ar"}
    )
    client = signed_in(member("warwickshire-hcp", Role.COORDINATOR))
    page = client.get(f"/staff/cases/{report.case.reference}/").content.decode()
    assert ">Interpreter</strong>" in page
    assert "The reporter needs an interpreter. Book one in time for this first contact." in page
    assert "An interpreter is needed (" in page or "Interpreter:" in page
    plain, _ = make_report_with_secret(contact=AMINA)
    other = client.get(f"/staff/cases/{plain.case.reference}/").content.decode()
    assert "Book one in time" not in other
