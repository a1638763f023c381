"""The staff side in a real browser: signing in with an authenticator app, handling a case from the queue to
its outcome across agencies (with the reporter following it on the tracking page and a real SMTP server
taking the e-mail), contact safety, the access policy, two people editing one case, and axe-core with
reflow at 320 px on every staff page.

Reports are made through the submit action (as the public journey makes them, keeping the secret code);
everything staff do happens in Chromium, through the pages, each person in their own browser context.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from standtogether.cases import actions
from standtogether.cases.models import Case, Contact, Escalation, Referral
from standtogether.partners.models import Agency, Role
from tests.factories import make_report_with_secret
from tests.staff import member

from .flows import open_tracking, submit
from .staff_flows import (
    AMINA,
    PUPIL,
    SHARE_POLICE_AND_VICTIM_SUPPORT,
    banners,
    case_form,
    case_url,
    check_page,
    code_for,
    enter_code,
    enter_password,
    leave_recovery_codes,
    path_of,
    send_case_form,
    set_up_authenticator,
    sign_in,
    sign_out,
    verdicts,
    wait_out_throttle,
    wrong_code_for,
)

pytestmark = pytest.mark.browser

WOMAN_ASKED = "The reporter asked to speak to a woman."
CONFLICT = "Someone else changed this case"
UPDATE_TEXT = "We have passed your report to Warwickshire Police. An officer will call you this week."
CONCERN_TEXT = "Nobody has told me what the police are doing."
ANSWER_TEXT = "Sorry. Sara will call you today to explain."
NO_SUCH_CASE = "WST-0000-0000"
OUTCOME_DETAIL = "The man apologised in a meeting and agreed to stay away from the bus stop."


def agency_pk(code: str) -> str:
    return str(Agency.objects.get(code=code).pk)


# --- 1. the story ------------------------------------------------------------------------------------------


def test_a_case_from_the_queue_to_its_outcome_with_the_reporter_following_it(
    new_context, smtp_inbox, js_errors
):
    report, secret = make_report_with_secret(
        contact=AMINA,
        needs={"officer_gender": "woman"},
        consent=SHARE_POLICE_AND_VICTIM_SUPPORT,
    )
    reference = report.reference
    coordinator = member("warwickshire-hcp", Role.COORDINATOR, first_name="Priya")
    tom = member("warwickshire-hcp", Role.CASEWORKER, first_name="Tom", gender="man")
    sara = member(
        "warwickshire-hcp",
        Role.CASEWORKER,
        first_name="Sara",
        gender="woman",
        job_title="Hate crime caseworker",
    )
    police = member("warwickshire-police", Role.SUPERVISOR, first_name="Dan")

    # The coordinator signs in for the first time (sets up the authenticator app) and finds the case.
    staff = new_context().new_page()
    sign_in(staff, coordinator)
    staff.goto("/staff/cases/")
    with staff.expect_navigation():
        staff.locator("main table").get_by_role("link", name=reference).click()
    assert path_of(staff) == case_url(reference)
    assert "To speak to a woman" in staff.locator("#needs").inner_text()

    # Risk questionnaire: violence (4) + very frightened (2) = 6: medium.
    risk = case_form(staff, "risk")
    risk.locator("input[name=q_violence]").check()
    risk.locator("input[name=q_fear]").check()
    send_case_form(staff, "risk")
    assert "Risk assessed: Medium." in banners(staff)
    assert "Medium (score 6)" in staff.locator("#risk-latest").inner_text()

    case_form(staff, "classify").locator("select[name=classification]").select_option("crime")
    send_case_form(staff, "classify")
    assert "Classification saved." in banners(staff)
    assert "Hate crime" in staff.locator("main dl.govuk-summary-list").first.inner_text()

    # A male officer: the page warns; then the female officer.
    case_form(staff, "assign").locator("select[name=officer]").select_option(str(tom.pk))
    send_case_form(staff, "assign")
    assert WOMAN_ASKED in banners(staff)
    assert staff.locator("#officer").inner_text().strip() == "Tom"
    case_form(staff, "assign").locator("select[name=officer]").select_option(str(sara.pk))
    send_case_form(staff, "assign")
    assert "Case assigned." in banners(staff)
    assert staff.locator("#officer").inner_text().strip() == "Sara"
    assert "asked to speak to a woman" not in staff.locator("main").inner_text()

    # Referrals: the school is outside the reporter's consent and refused; the police are allowed.
    refer = case_form(staff, "refer")
    refer.locator("select[name=agency]").select_option(agency_pk("example-secondary-school"))
    send_case_form(staff, "refer")
    assert "Not referred. The reporter did not agree to share with this kind of agency." in banners(staff)
    refer = case_form(staff, "refer")
    refer.locator("select[name=agency]").select_option(agency_pk("warwickshire-police"))
    refer.locator("[name=note]").fill("Racially aggravated public order offence.")
    send_case_form(staff, "refer")
    assert "Referral sent." in banners(staff)
    assert "Warwickshire Police: Waiting for an answer" in staff.locator("#referrals").inner_text()

    # A police supervisor signs in and accepts the referral from the inbox.
    partner = new_context().new_page()
    sign_in(partner, police, next_path="/staff/referrals/")
    waiting = partner.locator("main .govuk-inset-text", has=partner.get_by_role("link", name=reference))
    assert waiting.count() == 1
    referral = Referral.system.get(case=report.case)
    submit(partner, f"main form[action='/staff/referrals/{referral.pk}/'] button[value=accept]")
    assert "Answer recorded." in banners(partner)
    assert "No referrals are waiting." in partner.locator("main").inner_text()
    response = partner.goto(case_url(reference))
    assert response.status == 200
    assert "What was reported" in partner.locator("main").inner_text()
    staff.reload()
    assert "Warwickshire Police: Accepted" in staff.locator("#referrals").inner_text()

    # The coordinator logs a phone call, then sends an update: one e-mail, saying only that there is news.
    contact = case_form(staff, "contact")
    contact.locator("select[name=channel]").select_option("phone")
    contact.locator("select[name=kind]").select_option("contact")
    contact.locator("textarea[name=summary]").fill("Called Amina: she is safe and wants the police involved.")
    send_case_form(staff, "contact")
    assert "Contact recorded." in banners(staff)
    assert "Phone call" in staff.locator("#contacts").inner_text()
    assert smtp_inbox.messages == []
    contact = case_form(staff, "contact")
    contact.locator("select[name=channel]").select_option("tracking")
    contact.locator("select[name=kind]").select_option(label="Update sent to the reporter")
    contact.locator("textarea[name=summary]").fill(UPDATE_TEXT)
    send_case_form(staff, "contact")
    assert "Contact recorded." in banners(staff)
    assert len(smtp_inbox.messages) == 1, [m["To"] for m in smtp_inbox.messages]
    mail = smtp_inbox.messages[0]
    assert mail["To"] == "amina@example.org"
    body = mail.get_content()
    assert reference in body and "/en/track/" in body
    assert "Warwickshire Police" not in body  # what the update says stays behind the tracking code

    # The reporter follows the report: officer, update; then raises a concern.
    reporter = new_context().new_page()
    open_tracking(reporter, "en", reference, secret)
    main = reporter.locator("main").inner_text()
    assert "Sara, Hate crime caseworker, Warwickshire Hate Crime Partnership" in main
    assert UPDATE_TEXT in reporter.locator("#updates").inner_text()
    reporter.locator("main textarea#concern").fill(CONCERN_TEXT)
    submit(reporter, "main form[action$='/track/concern/'] button[type=submit]")
    assert reporter.locator("#concern-open").is_visible()

    # The coordinator answers the concern from the escalations page.
    concern = Escalation.system.get(case=report.case, kind="concern")
    staff.goto("/staff/escalations/")
    item = staff.locator("main .govuk-inset-text", has=staff.get_by_role("link", name=reference))
    assert CONCERN_TEXT in item.inner_text()
    staff.locator(f"#note-{concern.pk}").fill(ANSWER_TEXT)
    submit(staff, f"main form[action='/staff/escalations/{concern.pk}/'] button[type=submit]")
    assert "Resolved." in banners(staff)
    assert "Nothing is escalated." in staff.locator("main").inner_text()
    reporter.reload()
    assert ANSWER_TEXT in reporter.locator("#updates").inner_text()
    assert reporter.locator("#concern-open").count() == 0

    # Sara signs in for the first time and closes the case, the reporter told.
    officer = new_context().new_page()
    sign_in(officer, sara, next_path=case_url(reference))
    close = case_form(officer, "close")
    close.locator("select[name=outcome]").select_option("community-resolution")
    close.locator("textarea[name=detail]").fill(OUTCOME_DETAIL)
    close.locator("input[name=told]").check()
    send_case_form(officer, "close")
    assert "Case closed." in banners(officer)
    assert "Community resolution" in officer.locator("main").inner_text()

    reporter.reload()
    assert reporter.locator("#status").inner_text().strip() == "Closed"
    assert reporter.locator("#outcome").inner_text().strip() == "Community resolution"
    assert OUTCOME_DETAIL in reporter.locator("main").inner_text()
    assert all(m["To"] == "amina@example.org" for m in smtp_inbox.messages)
    assert js_errors == []


# --- 2. contact safety -------------------------------------------------------------------------------------


def test_a_letter_to_a_pupil_whose_family_must_not_know_is_refused_with_the_reason(new_context, js_errors):
    report, _secret = make_report_with_secret(contact=PUPIL)
    coordinator = member("warwickshire-hcp", Role.COORDINATOR)
    page = new_context().new_page()
    sign_in(page, coordinator, next_path=case_url(report.reference))

    channels = verdicts(page)
    assert {channel: tag for channel, (tag, _text) in channels.items()} == {
        "Phone call": "Never",
        "Text message": "Allowed",
        "Email": "Never",
        "Letter": "Never",
    }, channels
    assert "No letters to the home: the reporter's family must not find out." in channels["Letter"][1]
    assert "Safe times: after 4pm on weekdays" in channels["Text message"][1]
    assert "Use only the number the reporter gave." in channels["Text message"][1]

    contact = case_form(page, "contact")
    contact.locator("select[name=channel]").select_option(label="Letter")
    contact.locator("select[name=kind]").select_option(label="Contact with the reporter")
    contact.locator("textarea[name=summary]").fill("Letter to the home address about the meeting.")
    send_case_form(page, "contact")
    message = banners(page)
    assert "Not allowed" in message, message
    assert "No letters to the home: the reporter's family must not find out." in message, message
    assert not Contact.system.filter(case=report.case).exists()
    assert page.locator("#contacts").count() == 0
    assert js_errors == []


# --- 3. the access policy ----------------------------------------------------------------------------------


def test_a_school_safeguarding_lead_cannot_open_or_list_a_partnership_case(new_context, js_errors):
    report, _secret = make_report_with_secret(contact=AMINA, consent=SHARE_POLICE_AND_VICTIM_SUPPORT)
    school = member("example-secondary-school", Role.SUPERVISOR, job_title="Safeguarding lead")
    page = new_context().new_page()
    sign_in(page, school, next_path="/staff/cases/")
    assert report.reference not in page.locator("main").inner_text()
    assert "No cases." in page.locator("main table").inner_text()

    probed = page.goto(case_url(report.reference))
    assert probed.status == 404
    probed_page = (page.title(), page.locator("main").inner_text())
    assert report.reference not in probed_page[1]
    missing = page.goto(case_url(NO_SUCH_CASE))
    assert missing.status == 404
    assert (page.title(), page.locator("main").inner_text()) == probed_page  # nothing tells them apart
    assert page.request.get(case_url(report.reference, "audit")).status == 404

    # Posting a case form by hand (with a valid CSRF token) changes nothing and answers like a missing case.
    version = Case.system.get(pk=report.case.pk).version
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "st_csrf")
    for reference in (report.reference, NO_SUCH_CASE):
        posted = page.request.post(
            case_url(reference, "classify"),
            form={"csrfmiddlewaretoken": token, "classification": "not-hate", "version": str(version)},
            max_redirects=0,
        )
        assert posted.status == 404, (reference, posted.status)
    case = Case.system.get(pk=report.case.pk)
    assert (case.version, case.classification) == (version, "")

    page.goto("/staff/referrals/")
    assert report.reference not in page.locator("main").inner_text()
    page.goto("/staff/escalations/")
    assert report.reference not in page.locator("main").inner_text()
    assert js_errors == []


# --- 4. two people, one case -------------------------------------------------------------------------------


def test_a_stale_form_is_refused_and_overwrites_nothing(new_context, js_errors):
    report, _secret = make_report_with_secret(contact=AMINA)
    reference = report.reference
    first = member("warwickshire-hcp", Role.SUPERVISOR, first_name="Jo")
    second = member("warwickshire-hcp", Role.COORDINATOR, first_name="Kim")
    page_one, page_two = new_context().new_page(), new_context().new_page()
    sign_in(page_one, first, next_path=case_url(reference))
    sign_in(page_two, second, next_path=case_url(reference))
    seen = case_form(page_two, "classify").locator("input[name=version]").input_value()
    assert case_form(page_one, "classify").locator("input[name=version]").input_value() == seen

    case_form(page_one, "classify").locator("select[name=classification]").select_option("crime")
    send_case_form(page_one, "classify")
    assert "Classification saved." in banners(page_one)

    case_form(page_two, "classify").locator("select[name=classification]").select_option("not-hate")
    send_case_form(page_two, "classify")
    assert CONFLICT in banners(page_two)
    case = Case.system.get(pk=report.case.pk)
    assert case.classification == "crime"
    assert "Hate crime" in page_two.locator("main dl.govuk-summary-list").first.inner_text()

    # The stale risk form the second person still had open is refused too; a fresh one goes through.
    page_one.reload()
    case_form(page_one, "risk").locator("input[name=q_repeat]").check()
    send_case_form(page_one, "risk")
    assert "Risk assessed" in banners(page_one)
    assert Case.system.get(pk=case.pk).risk == "standard"
    case_form(page_two, "classify").locator("select[name=classification]").select_option("not-hate")
    send_case_form(page_two, "classify")
    assert CONFLICT in banners(page_two)
    page_two.reload()
    case_form(page_two, "classify").locator("select[name=classification]").select_option("not-hate")
    send_case_form(page_two, "classify")
    assert "Classification saved." in banners(page_two)
    assert Case.system.get(pk=case.pk).classification == "not-hate"
    assert js_errors == []


# --- 5. axe and reflow on every staff page -----------------------------------------------------------------


def _report_tables(notes: list[str]) -> None:
    for note in notes:
        warnings.warn(f"table at 320 px: {note}", stacklevel=2)


def test_sign_in_pages_have_no_axe_violations_and_reflow(new_context):
    person = member("warwickshire-hcp", Role.CASEWORKER, first_name="Ali")
    user = person.user
    page = new_context(bypass_csp=True).new_page()
    problems: list[str] = []
    notes: list[str] = []

    assert page.goto("/staff/login/").status == 200
    check_page(page, "sign in", problems, notes)
    assert enter_password(page, person, password="not the passphrase") == "login"
    assert page.locator("main .govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    check_page(page, "sign in, wrong password", problems, notes)

    assert enter_password(page, person) == "setup"
    check_page(page, "authenticator set-up", problems, notes)
    enter_code(page, wrong_code_for(user))
    assert path_of(page) == "/staff/mfa/setup/"
    assert page.locator("main #id_token-error").is_visible()
    check_page(page, "authenticator set-up, wrong code", problems, notes)
    wait_out_throttle(user)
    recovery = set_up_authenticator(page, person)
    check_page(page, "recovery codes", problems, notes)
    leave_recovery_codes(page)
    assert path_of(page) == "/staff/"
    check_page(page, "staff home", problems, notes)

    sign_out(page)
    assert enter_password(page, person) == "verify"
    check_page(page, "enter your code", problems, notes)
    enter_code(page, wrong_code_for(user))
    assert path_of(page) == "/staff/verify/"
    assert page.locator("main #id_token-error").is_visible()
    check_page(page, "enter your code, wrong code", problems, notes)
    wait_out_throttle(user)
    enter_code(page, code_for(user))
    assert path_of(page) == "/staff/"
    # A recovery code signs in once instead of the app.
    sign_out(page)
    assert enter_password(page, person) == "verify"
    enter_code(page, recovery[0])
    assert path_of(page) == "/staff/"
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1

    _report_tables(notes)
    assert not problems, "\n\n".join(problems)


def test_case_handling_pages_have_no_axe_violations_and_reflow(new_context):
    coordinator = member("warwickshire-hcp", Role.COORDINATOR, first_name="Priya")
    tom = member("warwickshire-hcp", Role.CASEWORKER, first_name="Tom", gender="man")
    police = member("warwickshire-police", Role.SUPERVISOR, first_name="Dan")
    report, _secret = make_report_with_secret(
        contact=AMINA, needs={"officer_gender": "woman"}, consent=SHARE_POLICE_AND_VICTIM_SUPPORT
    )
    case = report.case
    # A case in the middle of its handling: assessed, classified, a man assigned though a woman was asked
    # for (a warning on the page), a phone call logged, a referral waiting, a concern open.
    actions.assess_risk(case, answers={"violence": True, "fear": True}, by=coordinator)
    actions.classify_case(case, classification="crime", by=coordinator)
    actions.assign_case(case, tom, by=coordinator)
    actions.record_contact(case, channel="phone", kind="contact", summary="Called back.", by=coordinator)
    actions.refer_case(
        case, Agency.objects.get(code="warwickshire-police"), reason="Racially aggravated.", by=coordinator
    )
    actions.raise_concern(case, text="Nobody has called me back.")
    # An older report by the same person: overdue (first contact missed) and suggested as related.
    with time_machine.travel(timezone.now() - dt.timedelta(days=20), tick=False):
        older, _ = make_report_with_secret(contact=AMINA, consent=SHARE_POLICE_AND_VICTIM_SUPPORT)
    problems: list[str] = []
    notes: list[str] = []

    staff = new_context(bypass_csp=True).new_page()
    sign_in(staff, coordinator, next_path="/staff/cases/")
    assert staff.locator("main table tbody tr").count() == 2
    check_page(staff, "queue", problems, notes)
    staff.goto("/staff/cases/?overdue=1")
    overdue = staff.locator("main table").inner_text()
    assert older.reference in overdue and report.reference not in overdue
    check_page(staff, "overdue queue", problems, notes)

    assert staff.goto(case_url(report.reference)).status == 200
    for action in ("assign", "classify", "risk", "contact", "refer", "reveal", "close", "link"):
        assert case_form(staff, action).count() >= 1, f"no {action} form on the case page"
    assert WOMAN_ASKED in staff.locator("main").inner_text()
    check_page(staff, "case", problems, notes)

    staff.goto("/staff/escalations/")
    assert staff.locator("main form[action^='/staff/escalations/']").count() == 1
    check_page(staff, "escalations", problems, notes)
    assert staff.goto(case_url(report.reference, "audit")).status == 200
    assert staff.locator("main table tbody tr").count() >= 6
    check_page(staff, "audit trail", problems, notes)

    partner = new_context(bypass_csp=True).new_page()
    sign_in(partner, police, next_path="/staff/referrals/")
    assert partner.locator("main form[action^='/staff/referrals/']").count() == 1
    check_page(partner, "referrals inbox", problems, notes)
    assert partner.goto(case_url(older.reference)).status == 404
    assert partner.locator("main h1").inner_text().strip() == "Page not found"
    check_page(partner, "404 for another agency's case", problems, notes)

    _report_tables(notes)
    assert not problems, "\n\n".join(problems)
