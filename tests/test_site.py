"""Health check, headers, stable URLs, error pages and deployment checks."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/en/",
    "/en/report/",
    "/en/report/who/",
    "/en/report/contact/",
    "/en/track/",
    "/en/support/",
    "/en/report/continue/",
    "/en/accessibility/",
]


def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["status"] == "ok"


def test_stable_public_urls():
    assert reverse("home") == "/en/"
    assert reverse("intake:start") == "/en/report/"
    assert reverse("intake:track") == "/en/track/"
    assert reverse("support") == "/en/support/"


def test_root_redirects_to_a_language(client):
    assert client.get("/")["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ar")["Location"] == "/ar/"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_send_privacy_and_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # never sent to another site
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'nonce-" in csp
    assert "unsafe-inline" not in csp
    page = response.content.decode()
    assert "Exit this page" in page and settings.EXIT_PAGE_URL in page


class _Addresses(HTMLParser):
    """Every address in a page, with the element that holds it."""

    ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.found.append((tag, value.strip()))


def _other_host(address: str) -> bool:
    return address.startswith("//") or urlsplit(address).scheme in {"http", "https", "ftp", "ws", "wss"}


@pytest.mark.parametrize("path", PUBLIC)
def test_pages_load_nothing_from_other_hosts(client, path):
    parser = _Addresses()
    parser.feed(client.get(path).content.decode())
    # Nothing a browser fetches by itself (scripts, styles, images, frames, forms) is on another host.
    loaded = [(tag, address) for tag, address in parser.found if tag != "a" and _other_host(address)]
    assert loaded == []
    # Links a person chooses to follow may leave the site: the exit page, and outside services (a video
    # relay, the equality advice service), plain links with no referrer, never embedded.
    for tag, address in parser.found:
        if tag == "a" and _other_host(address):
            assert urlsplit(address).scheme == "https", address


def test_missing_csrf_gets_a_page_that_explains(client):
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.get("/en/report/what/")
    response = csrf_client.post("/en/report/what/", {"description": "x"})
    assert response.status_code == 403
    assert "This page timed out" in response.content.decode()


def test_unknown_step_is_a_friendly_404(client):
    response = client.get("/en/report/nonsense/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "standtogether.settings.production",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-0123456789-abcdefghijklmnop",
        "STANDTOGETHER_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "report.example.org",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.PROJECT_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
