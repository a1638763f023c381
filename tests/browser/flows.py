"""Ways through the public site shared by the browser tests, and the files they upload (made here)."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.utils import timezone
from PIL import Image

from standtogether.intake import actions
from standtogether.intake.models import Draft, Report

REFERENCE = re.compile(r"^WST-[0-9A-Z]{4}-[0-9A-Z]{4}$")
SECRET = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
STEP_SLUGS = ["who", "what", "why", "when-where", "people", "evidence", "contact", "needs", "consent"]
GPS_IFD = 0x8825
MAKE = 0x010F


def url(lang: str, path: str) -> str:
    return f"/{lang}{path}"


def submit(page, selector: str):
    """Click a submit button and wait for the page the form leads to; return its response."""
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    response = navigation.value
    assert response is None or response.status != 403, (
        f"the server refused the form posted from {page.url} with 403 ({page.title()!r}): "
        "a browser sends 'Origin: null' on a form POST from a page whose referrer policy is no-referrer, "
        "and Django's CSRF check refuses that origin"
    )
    return response


def continue_step(page) -> None:
    submit(page, "button[name=continue]")


def start_draft(page, lang: str = "en", description: str = "Someone shouted abuse at me.") -> None:
    """Answer only "what happened" (the step page makes the draft)."""
    page.goto(url(lang, "/report/what/"))
    page.locator("#id_description").fill(description)
    continue_step(page)


def send_report(page, lang: str = "en") -> tuple[str, str]:
    """From a started draft: open the check page, send; return (reference, secret) from the confirmation."""
    page.goto(url(lang, "/report/check/"))
    submit(page, "main form button[type=submit]")
    assert page.url.endswith(url(lang, "/report/sent/")), page.url
    return page.locator("#reference").inner_text().strip(), page.locator("#secret").inner_text().strip()


def create_report(description: str = "Stickers on the bus shelter.", **answers) -> tuple[Report, str]:
    """A report made through the submit action, as the journey makes it; returns it with its secret code."""
    now = timezone.now()
    draft = Draft(
        created_at=now - dt.timedelta(minutes=5),
        updated_at=now,
        expires_at=now + dt.timedelta(hours=1),
        answers={"what": {"description": description}, **answers},
        language="en",
    )
    draft.save()
    report, created = actions.submit_report(draft, actions.new_submit_key())
    assert created
    return report, Draft.system.get(pk=draft.pk).confirmation["secret"]


def open_tracking(page, lang: str, reference: str, secret: str) -> None:
    page.goto(url(lang, "/track/"))
    page.locator("#id_reference").fill(reference)
    page.locator("#id_code").fill(secret)
    submit(page, "main form button[type=submit]")
    assert page.url.endswith(url(lang, "/track/report/")), page.url


# --- files -------------------------------------------------------------------------------------------------


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo as a phone makes it: the camera maker and the GPS position in its EXIF."""
    image = Image.new("RGB", (120, 90), (200, 200, 40))
    exif = Image.Exif()
    exif[MAKE] = "Canon"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 10.0), 3: "W", 4: (1.0, 15.0, 30.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def gps_of(data: bytes) -> dict:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))
