"""Walk the public journey with Django's test client, the way a person's browser would."""

from __future__ import annotations

import re

from django.test import Client

from standtogether.intake.journey import STEPS

MINIMAL = {"what": {"description": "Someone shouted racist abuse at me outside the shop."}}


def post_step(client: Client, slug: str, data: dict, **extra):
    return client.post(f"/en/report/{slug}/", data, **extra)


def submit_key(client: Client, **extra) -> str:
    page = client.get("/en/report/check/", **extra)
    match = re.search(r'name="submit_key" value="([^"]+)"', page.content.decode())
    assert match, "the check page has no submit key"
    return match.group(1)


def walk(client: Client, answers: dict | None = None, *, submit: bool = True, **extra):
    """Answer every step (missing ones are skipped, as a person may) and optionally send the report."""
    answers = answers if answers is not None else MINIMAL
    client.get("/en/report/who/", **extra)
    for step in STEPS:
        response = post_step(client, step.slug, answers.get(step.slug, {}), **extra)
        assert response.status_code == 302, (step.slug, response.content.decode()[:2000])
    if not submit:
        return None
    key = submit_key(client, **extra)
    return client.post("/en/report/check/", {"submit_key": key}, **extra)


def confirmation_codes(client: Client, **extra) -> tuple[str, str]:
    page = client.get("/en/report/sent/", **extra).content.decode()
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    return reference, secret
