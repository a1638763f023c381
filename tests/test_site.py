"""Health check, headers, stable URLs, error pages and deployment checks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC = ["/en/", "/en/report/", "/en/report/who/", "/en/track/", "/en/support/", "/en/report/continue/"]


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


@pytest.mark.parametrize("path", PUBLIC)
def test_pages_load_nothing_from_other_hosts(client, path):
    page = client.get(path).content.decode()
    for attribute, target in (("src", "http"), ("src", "//"), ("href", "//")):
        assert f'{attribute}="{target}' not in page
    # Only the exit link leaves the site, and it is a link a person follows, not something loaded.
    external = [chunk for chunk in page.split('href="http')[1:]]
    assert all(chunk.startswith(settings.EXIT_PAGE_URL[4:]) for chunk in external)


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
