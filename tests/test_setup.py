"""`make run` loads the demo partnership once; running it again adds nothing. Taxonomy is configuration."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from standtogether.cases.models import Case
from standtogether.core import audit
from standtogether.intake.models import Report
from standtogether.taxonomy.loading import load_taxonomy
from standtogether.taxonomy.models import Area, IncidentType, Marker, Setting, Strand

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_never_duplicates():
    call_command("setup_demo", "--reports", "12", verbosity=0)
    assert Report.system.count() == 12 and Case.system.count() == 12
    call_command("setup_demo", "--reports", "12", verbosity=0)
    assert Report.system.count() == 12
    assert get_user_model().objects.filter(username="coordinator").count() == 1
    ok, message = audit.verify()
    assert ok, message
    # Spread over strands and areas, not all the same.
    assert Report.system.values("area").distinct().count() > 2


def test_default_taxonomy_matches_the_partnership():
    assert set(Strand.objects.values_list("code", flat=True)) == {
        "race",
        "religion",
        "disability",
        "sexual-orientation",
        "transgender",
    }
    assert "misogyny" in set(Marker.objects.values_list("code", flat=True))
    assert IncidentType.objects.count() == 8 and Setting.objects.count() == 9
    assert set(Area.objects.values_list("name", flat=True)) == {
        "North Warwickshire",
        "Nuneaton and Bedworth",
        "Rugby",
        "Stratford-on-Avon",
        "Warwick",
    }


def test_another_partnership_loads_its_own_terms_from_a_file(tmp_path, client):
    document = {
        "area": [{"code": "leeds", "name": "Leeds"}],
        "marker": [
            {
                "code": "sex-workers",
                "name": "Being a sex worker",
                "translations": {"ar": {"name": "العمل في الجنس"}},
            }
        ],
    }
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(document))
    load_taxonomy(path)
    page = client.get("/en/report/when-where/").content.decode()
    assert "Leeds" in page
    assert "Being a sex worker" in client.get("/en/report/why/").content.decode()
    assert "العمل في الجنس" in client.get("/ar/report/why/").content.decode()
    Area.objects.filter(code="leeds").update(active=False)
    assert "Leeds" not in client.get("/en/report/when-where/").content.decode()


def test_taxonomy_translations_can_come_from_one_file_per_language(tmp_path, client):
    (tmp_path / "xx.json").write_text(json.dumps({"strand": {"race": {"name": "Race in XX"}}}))
    load_taxonomy(translations_dir=tmp_path)
    assert Strand.objects.get(code="race").translations["xx"] == {"name": "Race in XX"}
    assert "ar" in Strand.objects.get(code="race").translations  # default.json's own are kept


def test_support_services_are_described_in_the_readers_language_from_configuration(client):
    """Support services' public text is partnership data with a translation per language; a language the
    partnership has not translated falls back to English, marked as English for screen readers."""
    from standtogether.partners.models import Agency

    service = Agency.objects.create(
        code="test-service",
        name="Test Service",
        kind="community",
        is_support_service=True,
        public_description="We listen and help you report.",
        translations={"pl": {"public_description": "Słuchamy i pomagamy zgłosić."}},
    )
    polish = client.get("/pl/support/").content.decode()
    assert '<span lang="pl" dir="auto">Słuchamy i pomagamy zgłosić.</span>' in polish
    romanian = client.get("/ro/support/").content.decode()
    assert '<span lang="en" dir="auto">We listen and help you report.</span>' in romanian
    service.translations = {}
    service.save()
    assert "We listen and help you report." in client.get("/pl/support/").content.decode()


def test_relay_opening_hours_are_in_the_readers_language_from_configuration(client):
    from standtogether.partners.models import RelayRoute

    route = RelayRoute.objects.filter(kind="text-relay").exclude(hours="").select_related("agency").first()
    assert route is not None and route.translations.get("ar", {}).get("hours")
    arabic = client.get("/ar/support/").content.decode()
    hours = route.translations["ar"]["hours"]
    assert f'<span class="govuk-body-s" lang="ar" dir="auto">{hours}</span>' in arabic
    assert route.hours not in arabic
