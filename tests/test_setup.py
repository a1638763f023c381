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
