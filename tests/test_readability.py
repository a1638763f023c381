"""Plain words, measured: the English text of every public page reads at Flesch-Kincaid grade 6 or below
(textstat, with its own pronunciation dictionary: nothing is downloaded). A failure names the page's
hardest sentences, so the fix is a rewrite there.

The grade is measured per page, on everything a person reads in the main content: headings, paragraphs,
labels, hints and choices. One sentence alone is too short for the formula to mean much (a name such as
"Equality and Inclusion Partnership" scores 17), so single sentences are listed to guide, not to fail.
"""

from __future__ import annotations

import html
import re

import pytest
import textstat

from standtogether.intake.journey import STEPS
from tests.factories import make_report_with_secret

STEP_SLUGS = [step.slug for step in STEPS]

pytestmark = pytest.mark.django_db

MAX_GRADE = 6.0
PAGES = [
    "/en/",
    "/en/support/",
    "/en/accessibility/",
    "/en/report/",
    *[f"/en/report/{slug}/" for slug in STEP_SLUGS],
    "/en/report/check/",
    "/en/report/save/",
    "/en/report/continue/",
    "/en/track/",
]


def _names() -> set[str]:
    """Names of agencies and services come from the partnership's configuration, not from our writing."""
    from standtogether.partners.models import Agency

    return set(Agency.objects.values_list("name", flat=True))


def sentences_of(page: str) -> list[str]:
    """The text people read in <main>, one line per element (names from configuration left out)."""
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert main, "no <main> on the page"
    text = re.sub(r"<(script|style|select)\b.*?</\1>", " ", main.group(0), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    names = _names()
    lines = [line.strip() for line in text.splitlines() if re.search(r"[A-Za-z]{2,}", line)]
    return [line for line in lines if line not in names]


def grade(lines: list[str]) -> float:
    return textstat.flesch_kincaid_grade(" ".join(s if s[-1] in ".?!:" else f"{s}." for s in lines))


def _hardest(lines: list[str], count: int = 3) -> list[str]:
    scored = sorted(((grade([s]), s) for s in lines if len(s.split()) > 4), reverse=True)
    return [f"grade {g:.1f}: {s!r}" for g, s in scored[:count]]


@pytest.mark.parametrize("path", PAGES)
def test_public_page_reads_at_grade_6_or_below(client, path):
    if path in ("/en/report/check/", "/en/report/save/"):
        client.get("/en/report/what/")  # these pages need a draft
    response = client.get(path)
    assert response.status_code == 200, path
    lines = sentences_of(response.content.decode())
    measured = grade(lines)
    assert measured <= MAX_GRADE, f"{path} reads at grade {measured:.1f}; hardest: {_hardest(lines)}"


def test_tracking_page_reads_at_grade_6_or_below(client):
    report, secret = make_report_with_secret()
    client.post("/en/track/", {"reference": report.reference, "code": secret})
    lines = sentences_of(client.get("/en/track/report/").content.decode())
    assert grade(lines) <= MAX_GRADE, _hardest(lines)


def test_the_measure_catches_hard_text():
    """The formula itself: officialese fails, the same message in plain words passes."""
    hard = [
        "Notwithstanding the aforementioned considerations, complainants are encouraged to substantiate "
        "allegations with corroborative documentation prior to investigative determination."
    ]
    plain = ["Tell us what happened. Send a photo if you have one. We will read it."]
    assert grade(hard) > MAX_GRADE >= grade(plain)
