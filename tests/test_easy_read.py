"""The Easy Read reading mode: a plain link switches it on and off on every public page, it keeps the
language (and the language keeps it), it shows short sentences with a picture beside each key point on the
start page, every step, the check, confirmation and tracking pages, and it changes nothing a report saves.

The words are measured: every Easy Read sentence has at most 15 words, and each Easy Read page's English
reads at Flesch-Kincaid grade 3 or below (textstat, as in test_readability.py). A failure names the
hardest sentences. The partnership's vocabulary (strands, markers, incident types, places, areas) and
agency names are configuration, not our writing, and are left out of the measure (test_readability.py
leaves names out the same way).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from standtogether.intake import easyread, journey, reading
from standtogether.intake.models import Draft
from tests.factories import make_report_with_secret
from tests.test_journey import FULL
from tests.test_readability import _hardest, grade, sentences_of
from tests.walk import confirmation_codes, walk

pytestmark = pytest.mark.django_db

MAX_WORDS = 15
MAX_GRADE = 3.0
STEP_SLUGS = [step.slug for step in journey.STEPS]
POINT = re.compile(r'<p class="govuk-body st-easy-point__sentence">([^<]*)</p>')


def easy(client):
    client.cookies[reading.COOKIE] = reading.EASY
    return client


def english(message) -> str:
    with translation.override("en"):
        return str(message)


def words(sentence: str) -> int:
    return len(re.findall(r"[\w'’-]+", sentence))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


# --- the switch -------------------------------------------------------------------------------------------


def test_every_public_page_links_to_easy_read_and_back(client):
    page = client.get("/en/report/").content.decode()
    assert (
        f'href="/en/reading/easy/?next={quote("/en/report/", safe="")}" id="reading-mode">Easy Read<' in page
    )
    assert "st-easy-read" not in page
    page = easy(client).get("/en/report/").content.decode()
    assert 'href="/en/reading/standard/?next=%2Fen%2Freport%2F" id="reading-mode">Standard version<' in page
    assert '<body class="govuk-template__body st-easy-read">' in page


def test_switching_on_sets_only_the_word_easy_for_a_year_and_comes_back(client):
    response = client.get("/pl/reading/easy/", {"next": "/pl/report/what/?return=check"})
    assert response.status_code == 302 and response["Location"] == "/pl/report/what/?return=check"
    cookie = response.cookies[reading.COOKIE]
    assert cookie.value == "easy"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    page = client.get("/pl/report/").content.decode()
    assert 'lang="pl"' in page and "st-easy-read" in page


def test_the_cookie_is_secure_over_https(client):
    response = client.get("/en/reading/easy/", {"next": "/en/"}, secure=True)
    assert response.cookies[reading.COOKIE]["secure"]


def test_switching_off_deletes_the_cookie(client):
    easy(client)
    response = client.get("/ar/reading/standard/", {"next": "/ar/track/"})
    assert response["Location"] == "/ar/track/"
    assert response.cookies[reading.COOKIE].value == "" and response.cookies[reading.COOKIE]["max-age"] == 0
    assert "st-easy-read" not in client.get("/ar/track/").content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "report/", ""],
)
def test_only_a_path_on_this_site_is_followed(client, target):
    response = client.get("/pl/reading/easy/", {"next": target})
    assert response["Location"] == "/pl/"


def test_an_unknown_mode_is_not_found(client):
    assert client.get("/en/reading/tiny/").status_code == 404


def test_the_mode_keeps_the_language_and_the_language_keeps_the_mode(client):
    response = client.get("/ar/reading/easy/", {"next": "/ar/report/who/"})
    assert response["Location"] == "/ar/report/who/"
    page = client.get("/ar/report/who/").content.decode()
    assert '<html lang="ar" dir="rtl"' in page and "st-easy-read" in page
    # The language chooser's links are plain paths: the mode goes with the person to the other language.
    assert 'href="/pl/report/who/" lang="pl"' in page
    assert "st-easy-read" in client.get("/pl/report/who/").content.decode()


def test_staff_pages_have_no_reading_mode(client):
    page = easy(client).get("/staff/login/").content.decode()
    assert "reading-mode" not in page and "st-easy-read" not in page


# --- what each page shows ---------------------------------------------------------------------------------

EASY_AND_STANDARD = {
    "/en/": ("Did someone hurt or scare you because of who you are?", "If someone hurt, threatened"),
    "/en/report/": ("Hate is when someone is nasty to you because of who you are.", "What is a hate crime"),
    "/en/report/who/": ("Tell us who this happened to.", '<h1 class="govuk-fieldset__heading">'),
    "/en/report/what/": ("This is the only question you must answer.", "Write as much or as little"),
    "/en/report/why/": ("Tell us why you think they did it.", "You do not have to be sure, and you do not"),
    "/en/report/when-where/": ("Skip what you do not know.", "If it happened over a period or more than"),
    "/en/report/people/": ("Tell us about the person who did it.", "Anything that could help"),
    "/en/report/evidence/": (
        "We take hidden details out of your photos.",
        "We remove the hidden information",
    ),
    "/en/report/contact/": ("Then we cannot contact you.", "If you stay anonymous, we will not know"),
    "/en/report/needs/": ("Tell us what help you need.", "Which language should we use when"),
    "/en/report/consent/": ("Tell us who can see your report.", "The partnership will read your report."),
    "/en/report/check/": ("You can change them.", "When you send it, you will get a reference"),
    "/en/track/": ("Type your reference and your secret code.", "Enter the reference and the secret code"),
}


@pytest.mark.parametrize("path", list(EASY_AND_STANDARD))
def test_easy_read_text_shows_only_in_the_mode(client, path):
    client.get("/en/report/what/")  # a draft, for the check page
    easy_text, standard_text = EASY_AND_STANDARD[path]
    standard = client.get(path).content.decode()
    assert standard_text in standard and easy_text not in standard
    page = easy(client).get(path).content.decode()
    assert easy_text in page and standard_text not in page, path
    assert 'class="st-easy-point__picture"' in page and 'alt="" width="64" height="64"' in page


def test_confirmation_explains_the_reference_and_the_code(client):
    walk(easy(client), FULL)
    page = client.get("/en/report/sent/").content.decode()
    for text in (
        "This is your reference.",
        "Write it down.",
        "This is your secret code.",
        "We show it only once.",
    ):
        assert text in page
    assert "We will contact you by the next working day." in page  # FULL gave contact details
    reference, secret = confirmation_codes(client)
    assert reference and secret


def test_anonymous_confirmation_says_we_cannot_contact_you(client):
    walk(easy(client), {"what": FULL["what"], "contact": {"anonymous": "yes"}})
    page = client.get("/en/report/sent/").content.decode()
    assert "So we cannot contact you." in page and "next working day" not in page


def test_tracking_pages_in_easy_read(client):
    report, secret = make_report_with_secret()
    easy(client).post("/en/track/", {"reference": report.reference, "code": secret})
    assert "Here you can see how your report is going." in client.get("/en/track/report/").content.decode()
    page = client.get("/en/track/add/").content.decode()
    assert "Tell us anything new." in page and "Add photos or screenshots" in page


def test_easy_read_labels_replace_the_standard_ones_and_errors_still_show(client):
    response = easy(client).post("/en/report/when-where/", {"date_start_0": "31", "date_start_1": "2"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "If it happened more than once, give the first date." in page
    assert "The date must include a day, month and year." in page


# --- the same report, whichever mode ----------------------------------------------------------------------


def test_every_step_form_has_the_same_fields_and_choices_in_both_modes():
    for step in journey.STEPS:
        standard, easy_form = step.form(), step.form(easy=True)
        assert list(standard.fields) == list(easy_form.fields), step.slug
        for name, field in standard.fields.items():
            other = easy_form.fields[name]
            assert type(field) is type(other) and field.required == other.required, (step.slug, name)
            if hasattr(field, "choices"):
                assert [c for c, _label in field.choices] == [c for c, _label in other.choices], name


def test_a_report_in_easy_read_saves_exactly_what_a_standard_one_saves(client, django_user_model):
    from django.test import Client

    standard, easy_client = Client(), easy(Client())
    answers = {**FULL, "when-where": {**FULL["when-where"], "online_platform": "none"}}
    walk(standard, answers, submit=False)
    walk(easy_client, answers, submit=False)
    drafts = [Draft.system.get(uuid=c.session[journey.SESSION_KEY]) for c in (standard, easy_client)]
    assert drafts[0].answers == drafts[1].answers
    assert drafts[0].answers["contact"]["email"] == "amina@example.org"  # the walk really saved answers


# --- the words --------------------------------------------------------------------------------------------


def test_every_easy_read_sentence_has_at_most_15_words():
    too_long = [
        f"{words(s)} words: {s!r}"
        for message in easyread.every_sentence()
        for s in sentences(english(message))
        if words(s) > MAX_WORDS
    ]
    assert not too_long, "\n".join(too_long)


def test_every_picture_is_built_and_credited(client):
    for points in (easyread.DANGER, *easyread.PAGES.values()):
        for point in points:
            assert finders.find(point.static_path), f"{point.static_path}: add it to assets/easyread.mjs"
    assert finders.find(f"{easyread.PICTURES_DIR}/OpenMoji-LICENSE.txt")
    page = client.get("/en/accessibility/").content.decode()
    assert "OpenMoji" in page and "CC BY-SA 4.0" in page and "Easy Read is not yet available." not in page


def _configuration() -> set[str]:
    """Words from the partnership's configuration: agency names and descriptions, relay opening hours, the
    vocabulary's labels and hints."""
    from standtogether.partners.models import Agency, RelayRoute
    from standtogether.taxonomy.models import Area, IncidentType, Marker, Setting, Strand

    found = set()
    with translation.override("en"):
        for agency in Agency.objects.all():
            found.update(text for text in (agency.name, agency.description) if text)
        found.update(route.hours_text for route in RelayRoute.objects.all() if route.hours_text)
        for model in (Strand, Marker, IncidentType, Setting, Area):
            for term in model.objects.filter(active=True):
                found.update(text for text in (term.label, term.label_hint) if text)
    return found


def _measure(page: str) -> tuple[float, list[str]]:
    configuration = _configuration()
    lines = [line for line in sentences_of(page) if line not in configuration]
    return grade(lines), lines


def _easy_pages(client) -> dict[str, str]:
    pages = {}
    easy(client)
    for path in ["/en/", "/en/report/", *[f"/en/report/{slug}/" for slug in STEP_SLUGS], "/en/report/check/"]:
        pages[path] = client.get(path).content.decode()
    pages["/en/track/"] = client.get("/en/track/").content.decode()
    walk(client, FULL)
    pages["/en/report/sent/ (with contact)"] = client.get("/en/report/sent/").content.decode()
    anonymous = easy(type(client)())
    walk(anonymous, {"what": FULL["what"], "contact": {"anonymous": "yes"}})
    pages["/en/report/sent/ (anonymous)"] = anonymous.get("/en/report/sent/").content.decode()
    report, secret = make_report_with_secret()
    client.post("/en/track/", {"reference": report.reference, "code": secret})
    pages["/en/track/report/"] = client.get("/en/track/report/").content.decode()
    pages["/en/track/add/"] = client.get("/en/track/add/").content.decode()
    return pages


def test_each_easy_read_page_reads_at_grade_3_or_below(client):
    failures = []
    for path, page in _easy_pages(client).items():
        assert "st-easy-read" in page, path
        for sentence in POINT.findall(page):
            assert words(sentence) <= MAX_WORDS, (path, sentence)
        measured, lines = _measure(page)
        if measured > MAX_GRADE:
            failures.append(f"{path} reads at grade {measured:.1f}; hardest: {_hardest(lines)}")
    assert not failures, "\n".join(failures)


def test_the_measure_tells_easy_read_from_standard_text(client):
    """The grade-3 bar is one the standard pages do not meet: the check measures something."""
    client.get("/en/report/what/")
    measured, _lines = _measure(client.get("/en/report/").content.decode())
    assert measured > MAX_GRADE
