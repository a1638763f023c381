"""Shared fixtures. Every test that touches the database starts with the default partnership loaded:
the taxonomy and agencies from their data files, exactly as `make run` loads them."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from standtogether.core import keys
from standtogether.taxonomy import terms
from tests.smtp import smtp_inbox  # noqa: F401 - a real SMTP listener, as a fixture


def _load_partnership() -> None:
    from standtogether.partners.loading import load_agencies
    from standtogether.taxonomy.loading import load_taxonomy
    from standtogether.taxonomy.models import Strand

    if not Strand.objects.exists():
        load_taxonomy()
        load_agencies()


@pytest.fixture(autouse=True)
def _fresh_state(request):
    keys.forget()
    terms.forget()  # cached rows may belong to a rolled-back or flushed database
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if transactional or "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names or "client" in names:
        request.getfixturevalue("db")
    else:
        yield
        return
    _load_partnership()
    cache.clear()  # rate-limit counters live in the cache: tests must not throttle each other
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)
