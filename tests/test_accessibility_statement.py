"""The accessibility statement and the routes for Deaf people and people who find it hard to hear or speak:
in every offered language, from configuration, linked from every public page; and the notice on pages in
a language nobody from the community has checked yet."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.test import override_settings

from standtogether.intake.journey import STEPS
from standtogether.partners.loading import DEFAULT_FILE, load_agencies
from standtogether.partners.models import Agency, RelayRoute

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/support/",
    "/accessibility/",
    "/report/",
    *[f"/report/{step.slug}/" for step in STEPS],
    "/report/check/",
    "/report/save/",
    "/report/continue/",
    "/track/",
    "/no-such-page/",
]


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page)[0]


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_statement_is_there_in_every_offered_language(client, code):
    response = client.get(f"/{code}/accessibility/")
    assert response.status_code == 200
    page = response.content.decode()
    html = _html_tag(page)
    assert f'lang="{code}"' in html
    assert f'dir="{"rtl" if code in settings.RTL_LANGUAGES else "ltr"}"' in html
    assert "Exit this page" in page or "govuk-exit-this-page__button" in page
    # The date it was last checked, and the way to ask for another format, whatever the language.
    assert re.search(r'id="reviewed">[^<]*2026', page)
    assert f"mailto:{settings.ACCESSIBILITY_CONTACT_EMAIL}" in page
    assert 'id="relay-routes"' in page


def test_the_statement_says_what_we_aim_for_what_is_missing_and_where_to_complain(client):
    page = client.get("/en/accessibility/").content.decode()
    assert "WCAG" in page and "2.2" in page and "AA" in page
    # Easy Read exists, says what it covers, and credits its pictures (OpenMoji, CC BY-SA 4.0).
    assert "Easy Read covers reporting, checking your report and the printed guide." in page
    assert "https://openmoji.org/" in page and "CC BY-SA 4.0" in page
    # Printable guides: "coming" until the site serves them, then how to get another format.
    printed = "The guide, poster and paper form to print are PDF files." in page
    assert printed != ("Printable guides are coming." in page)
    assert "axe-core" in page and "320 pixels" in page and "JavaScript switched off" in page
    assert "Equality Advisory and Support Service (EASS)" in page
    assert "Equality and Human Rights Commission" in page
    # Today every translation is a machine draft: the statement lists them, each in its own script.
    assert '<span lang="ar">العربية</span>' in page


def test_contact_details_and_review_date_come_from_configuration(client):
    with override_settings(
        ACCESSIBILITY_REVIEWED=dt.date(2027, 3, 1),
        ACCESSIBILITY_CONTACT_EMAIL="access@partnership.example",
        ACCESSIBILITY_CONTACT_PHONE="01926 410 410",
        ACCESSIBILITY_REPLY_DAYS=3,
    ):
        page = client.get("/en/accessibility/").content.decode()
    assert "We last checked this statement on 1 March 2027." in page
    assert "mailto:access@partnership.example" in page
    assert 'href="tel:1800101926410410"' in page
    assert "We will answer within 3 working days." in page


def _relay_section(page: str) -> str:
    """From the list of routes to the end of the main content (nothing after it here dials 18001)."""
    return page.split('id="relay-routes"', 1)[1].split("</main>", 1)[0] if 'id="relay-routes"' in page else ""


def test_relay_routes_come_from_the_partnership_configuration(client, tmp_path):
    support = client.get("/en/support/").content.decode()
    assert 'href="tel:18001101"' in _relay_section(support)  # Warwickshire Police, from warwickshire.json
    assert "https://example.org/demo/victim-support/bsl" in _relay_section(support)

    # The partnership changes its data file: the police text relay gets its own number and hours, Victim
    # Support's video relay goes, EQuIP's routes are left out of the file (kept as they are).
    entries = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["code"] == "warwickshire-police":
            entry["relay"] = [{"kind": "text-relay", "phone": "01926 415 000", "hours": "Weekdays, 9 to 5"}]
        if entry["code"] == "victim-support":
            entry["relay"] = [{"kind": "text-relay"}]
        if entry["code"] == "equip":
            del entry["relay"]
    changed = tmp_path / "partnership.json"
    changed.write_text(json.dumps(entries), encoding="utf-8")
    load_agencies(changed)

    for path in ("/en/support/", "/en/accessibility/", "/en/report/contact/"):
        section = _relay_section(client.get(path).content.decode())
        assert 'href="tel:1800101926415000"' in section, path
        assert "Weekdays, 9 to 5" in section, path
        assert 'href="tel:18001101"' not in section, path
        assert "victim-support/bsl" not in section, path
        assert 'href="tel:18001080816' in section, path  # Victim Support's own number, through text relay
        assert "EQuIP" in section, path

    # Switched off in the admin: gone from every page.
    RelayRoute.objects.filter(agency=Agency.objects.get(code="warwickshire-police")).update(active=False)
    assert "01926 415 000" not in _relay_section(client.get("/en/support/").content.decode())


def test_the_contact_step_shows_the_routes_without_changing_its_questions(client):
    page = client.get("/en/report/contact/").content.decode()
    assert 'class="govuk-details"' in page
    assert "If you are Deaf or find it hard to hear or speak" in page
    form = page.split("<form", 1)[1].split("</form>", 1)[0]
    assert "relay-routes" not in form  # outside the form: nothing new is asked or sent


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_links_the_statement_in_its_footer(client, path):
    for code in ("en", "ar"):
        client.get(f"/{code}/report/what/")  # a draft, for the pages that need one
        response = client.get(f"/{code}{path}")
        assert response.status_code in (200, 404), (code, path, response.status_code)
        footer = response.content.decode().split('role="contentinfo"', 1)[1]
        assert f'href="/{code}/accessibility/"' in footer, (code, path)


def test_a_machine_draft_says_so_on_every_page_and_links_to_the_feedback_route(client):
    for path in ("/", "/report/what/", "/support/"):
        arabic = client.get(f"/ar{path}").content.decode()
        assert 'id="machine-translation"' in arabic
        assert 'href="/ar/accessibility/#problems"' in arabic
        assert 'id="machine-translation"' not in client.get(f"/en{path}").content.decode()
    assert 'id="problems"' in client.get("/ar/accessibility/").content.decode()


def test_a_reviewed_language_no_longer_shows_the_notice(client, tmp_path):
    status = json.loads(settings.LANGUAGE_STATUS_FILE.read_text(encoding="utf-8"))
    status["ar"] = {
        "status": "community-reviewed",
        "reviewer": "Amal Haddad",
        "organisation": "EQuIP",
        "reviewed": "2026-12-01",
    }
    changed = tmp_path / "languages.json"
    changed.write_text(json.dumps(status), encoding="utf-8")
    with override_settings(LANGUAGE_STATUS_FILE=changed):
        assert 'id="machine-translation"' not in client.get("/ar/").content.decode()
        assert 'id="machine-translation"' in client.get("/pl/").content.decode()
        statement = client.get("/en/accessibility/").content.decode()
    assert '<span lang="ar">' not in statement.split('id="gaps"', 1)[1].split("</ul>", 1)[0]


def test_the_offered_languages_are_configuration(client):
    with override_settings(LANGUAGES=[("en", "English"), ("pl", "Polski")]):
        assert client.get("/pl/accessibility/").status_code == 200
        assert client.get("/ar/accessibility/").status_code == 404
        chooser = client.get("/en/").content.decode().split('class="st-languages"', 1)[1].split("</ul>")[0]
        assert 'hreflang="pl"' in chooser and 'hreflang="ar"' not in chooser
