"""The public finder of third-party reporting centres (/<lang>/centres/): centres from the partnership's data
file, filters by area and language, their text in the reader's language, languages named in their own
script, and the map drawn on the server from the boundary files copied into the project."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from standtogether.partners import maps
from standtogether.partners.centres import language_names
from standtogether.partners.loading import load_agencies
from standtogether.partners.models import Agency, ReportingCentre
from standtogether.taxonomy.models import Area
from tests.staff import member, signed_in
from tests.test_readability import MAX_GRADE, _hardest, grade, sentences_of

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
DEMO_CENTRES = {
    "equip",
    "stratford-dc",
    "nuneaton-mosque-centre",
    "leamington-polish-centre",
    "rugby-library",
    "warwick-lgbt-youth",
}
WARWICKSHIRE = ["E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]


def page_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def listed(page: str) -> list[str]:
    return re.findall(r'<li class="st-centre" id="centre-([a-z0-9-]+)"', page)


def svg_of(page: str) -> ET.Element:
    found = re.search(r"<svg class=\"st-map__svg\".*?</svg>", page, re.S)
    assert found, "no map on the page"
    return ET.fromstring(found.group(0))


def districts(svg: ET.Element) -> list[ET.Element]:
    return svg.findall(f"./{SVG}g[@class]/{SVG}path")


def markers(svg: ET.Element) -> list[str]:
    return [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g") if g.get("class") == "st-map__marker"]


# --- the list and its filters -------------------------------------------------------------------------------


def test_every_centre_in_the_partnership_file_is_listed(client):
    page = page_of(client, "/en/centres/")
    assert set(listed(page)) == DEMO_CENTRES
    assert "6 places found" in page
    assert "Nuneaton Mosque Community Centre (demo)" in page
    assert "Demo only: 3 Example Lane" in page and "CV11 0AA" in page
    assert 'href="tel:01632960201"' in page
    assert 'href="mailto:help@nuneaton-mosque-centre.example.org"' in page
    assert "Step-free access" in page and "Hearing loop" in page and "Quiet room" in page
    assert "Help to report, in your language. Women can speak to a woman." in page


def test_filter_by_area(client):
    page = page_of(client, "/en/centres/?area=rugby")
    assert set(listed(page)) == {"equip", "rugby-library"}
    assert "2 places found" in page
    assert "selected>Rugby</option>" in page
    shaded = [p.get("data-code") for p in districts(svg_of(page)) if "selected" in p.get("class")]
    assert shaded == ["E07000220"]
    assert "Rugby is shaded." in page


def test_filter_by_language(client):
    assert listed(page_of(client, "/en/centres/?language=so")) == ["nuneaton-mosque-centre"]
    assert set(listed(page_of(client, "/en/centres/?language=pl"))) == {
        "equip",
        "stratford-dc",
        "leamington-polish-centre",
        "rugby-library",
    }


def test_filter_by_area_and_language(client):
    assert listed(page_of(client, "/en/centres/?area=warwick&language=ku")) == ["warwick-lgbt-youth"]
    page = page_of(client, "/en/centres/?area=warwick&language=so")
    assert listed(page) == []
    assert "0 places found" in page
    assert 'id="no-match"' in page
    assert "Show all places" in page


def test_an_area_without_centres_says_so(client):
    page = page_of(client, "/en/centres/?area=north-warwickshire")
    assert listed(page) == [] and 'id="no-match"' in page
    assert markers(svg_of(page)) == []


def test_unknown_filter_values_show_every_centre(client):
    page = page_of(client, "/en/centres/?area=%3Cscript%3E&language=xx")
    assert set(listed(page)) == DEMO_CENTRES
    assert "<script>" not in page.split("<main", 1)[1]
    assert 'id="no-match"' not in page


def test_inactive_centres_and_agencies_are_not_listed(client):
    ReportingCentre.objects.filter(agency__code="equip").update(active=False)
    Agency.objects.filter(code="rugby-library").update(active=False)
    assert set(listed(page_of(client, "/en/centres/"))) == DEMO_CENTRES - {"equip", "rugby-library"}


def test_the_finder_is_a_plain_get_form_and_works_in_every_offered_language(client):
    page = page_of(client, "/en/centres/")
    assert re.search(r'<form method="get" action="/en/centres/"', page)
    assert '<select class="govuk-select" id="area" name="area">' in page
    assert '<select class="govuk-select" id="language" name="language">' in page
    for code, _name in settings.LANGUAGES:
        page = page_of(client, f"/{code}/centres/")
        assert f'lang="{code}"' in re.search(r"<html[^>]*>", page)[0]
        assert set(listed(page)) == DEMO_CENTRES


def test_linked_from_the_home_page_and_every_footer(client):
    assert 'id="centres-link"' in page_of(client, "/en/")
    for path in ("/en/support/", "/ar/accessibility/", "/en/centres/"):
        footer = page_of(client, path).split('class="st-footer"', 1)[1]
        assert f'href="/{path[1:3]}/centres/"' in footer


def test_plain_words(client):
    """Our own words at grade 6; the centres' names, addresses, hours and e-mail addresses, the areas, the
    languages' own names and the map's credit are configuration (as in tests/test_readability.py)."""
    configured = {settings.BOUNDARIES_ATTRIBUTION}
    for centre in ReportingCentre.objects.all():
        configured |= {centre.agency.name, *centre.address_lines, centre.opening_times, centre.help_with}
        configured |= {centre.email} if centre.email else set()
    page = re.sub(r"<svg.*?</svg>", "", page_of(client, "/en/centres/"), flags=re.S)
    configured |= set(language_names().values()) | {area.name for area in Area.objects.all()}
    lines = [line for line in sentences_of(page) if not any(text in line for text in configured)]
    # Each centre repeats the same labels (Address, Open, Access…): the words we wrote count once.
    lines = list(dict.fromkeys(lines))
    assert grade(lines) <= MAX_GRADE, _hardest(lines)


# --- languages in their own script, text in the reader's language -------------------------------------------


def test_languages_are_named_in_their_own_script_with_their_language_marked(client):
    page = page_of(client, "/en/centres/")
    for code, name, direction in [
        ("so", "Soomaali", "ltr"),
        ("ti", "ትግርኛ", "ltr"),
        ("ku", "Kurdî", "ltr"),
        ("ar", "العربية", "rtl"),
        ("pl", "Polski", "ltr"),
        ("lt", "Lietuvių", "ltr"),
    ]:
        assert f'<li lang="{code}" dir="{direction}">{name}</li>' in page, code
        assert f'<option value="{code}" lang="{code}" dir="{direction}">{name}</option>' in page, code
    # The same names on a page in another language: nobody has to read English to find theirs.
    assert '<li lang="so" dir="ltr">Soomaali</li>' in page_of(client, "/ar/centres/")


def test_opening_times_and_help_in_the_readers_language_else_english_marked_as_such(client):
    arabic = page_of(client, "/ar/centres/?language=so")
    assert 'lang="ar" dir="auto">كل يوم، من 10 صباحًا إلى 8 مساءً (مثال للعرض التجريبي)</dd>' in arabic
    assert 'lang="ar" dir="auto">مساعدة في الإبلاغ بلغتك. يمكن للنساء أن يتحدثن إلى امرأة.</dd>' in arabic
    polish = page_of(client, "/pl/centres/?language=ku")
    assert 'lang="pl" dir="auto">W środy, 16:00–20:00 (przykładowe godziny w wersji demo)</dd>' in polish
    # No Ukrainian text for the youth group: English, marked so screen readers read it as English.
    ukrainian = page_of(client, "/uk/centres/?language=ku")
    assert 'lang="en" dir="auto">Wednesday, 4pm to 8pm (demo)</dd>' in ukrainian


def test_access_features_follow_the_configured_list(client):
    assert "British Sign Language (BSL): ask before you go" in page_of(client, "/en/centres/")
    with override_settings(CENTRE_ACCESS_FEATURES=["hearing-loop"]):
        page = page_of(client, "/en/centres/?language=ku")  # the youth group: quiet room and toilet only
        assert "Quiet room" not in page and "Ask them before you go." in page
        assert "Hearing loop" in page_of(client, "/en/centres/?language=lt")


# --- the map -----------------------------------------------------------------------------------------------


def test_the_map_has_one_district_per_area_and_one_marker_per_centre(client):
    page = page_of(client, "/en/centres/")
    svg = svg_of(page)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "map-title" and svg.get("aria-describedby") == "map-desc"
    assert svg.find(f"{SVG}title").text == "Map of the places where you can report"
    assert "6 places marked by their numbers from the list" in svg.find(f"{SVG}desc").text
    assert sorted(p.get("data-code") for p in districts(svg)) == WARWICKSHIRE
    assert all(re.fullmatch(r"M[-\d. l]+z(M[-\d. l]+z)*", p.get("d")) for p in districts(svg))
    assert sorted(markers(svg)) == sorted(
        f"{n}. {name}"
        for n, name in enumerate(
            ReportingCentre.objects.filter(agency__code__in=DEMO_CENTRES)
            .order_by("agency__name")
            .values_list("agency__name", flat=True),
            1,
        )
    )
    assert len(markers(svg_of(page_of(client, "/en/centres/?area=warwick")))) == 2
    # Small enough for a cheap phone: the whole map well under 60 KB.
    assert len(re.search(r"<svg.*?</svg>", page, re.S).group(0).encode()) < 60_000
    # Nothing in it needs a style attribute (the CSP allows none) or another host.
    assert "style=" not in page and "http://" not in re.sub(r'xmlns="[^"]+"', "", page.split("<svg", 1)[1])


def test_the_boundary_licence_is_credited_under_the_map(client):
    for language in ("en", "ar"):
        page = page_of(client, f"/{language}/centres/")
        caption = page.split("<figcaption", 1)[1].split("</figcaption>", 1)[0]
        assert "Contains Ordnance Survey data © Crown copyright and database right 2014." in caption
        assert "Martin Chorley, UK-GeoJSON (CC BY 4.0)" in caption
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in caption
    copied = settings.BOUNDARIES_FILE.parent
    assert "Crown copyright" in (copied / "LICENCE.md").read_text(encoding="utf-8")
    assert (copied / "os-opendata-licence.pdf").exists()


def test_markers_are_placed_by_longitude_latitude_ward_or_district():
    frame = maps.frame(tuple(WARWICKSHIRE))
    nuneaton_ward = maps.place_of("E05007474")  # Abbey ward, Nuneaton
    rugby_district = maps.place_of("E07000220")
    assert nuneaton_ward and rugby_district
    assert 52.4 < nuneaton_ward[1] < 52.6 and -1.6 < nuneaton_ward[0] < -1.4
    assert maps.place_of("E99999999") is None
    # North is up, west is left: Nuneaton is drawn above and left of Rugby's middle.
    nx, ny = frame.project(nuneaton_ward)
    rx, ry = frame.project(rugby_district)
    assert ny < ry and nx < rx


def _square_topology(path, squares: dict[str, tuple[float, float, float]]) -> None:
    """A TopoJSON file (not quantised) with one square district per code: (west, south, size)."""
    arcs, geometries = [], []
    for code, (west, south, size) in squares.items():
        ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size]]
        arcs.append([*ring, ring[0]])
        geometries.append(
            {"type": "Polygon", "arcs": [[len(arcs) - 1]], "properties": {"LAD13CD": code, "LAD13NM": code}}
        )
    path.write_text(
        json.dumps(
            {
                "type": "Topology",
                "arcs": arcs,
                "objects": {"lad": {"type": "GeometryCollection", "geometries": geometries}},
            }
        ),
        encoding="utf-8",
    )


def test_the_map_is_drawn_from_the_boundary_file_and_follows_its_changes(client, tmp_path):
    boundaries = tmp_path / "districts.topo.json"
    _square_topology(boundaries, {"E07000220": (-1.4, 52.3, 0.2), "E07000222": (-1.7, 52.3, 0.2)})
    ward = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"WD13CD": "E05000001", "WD13NM": "Test ward"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[-1.3, 52.4], [-1.28, 52.4], [-1.28, 52.42], [-1.3, 52.4]]],
                },
            }
        ],
    }
    (tmp_path / "wards-E07000220.geo.json").write_text(json.dumps(ward), encoding="utf-8")
    with override_settings(BOUNDARIES_FILE=boundaries):
        ReportingCentre.objects.filter(agency__code="rugby-library").update(location="E05000001")
        svg = svg_of(page_of(client, "/en/centres/?area=rugby"))
        drawn = {p.get("data-code"): p.get("d") for p in districts(svg)}
        # Only the districts the file has; two squares side by side (Warwick west of Rugby).
        assert set(drawn) == {"E07000220", "E07000222"}
        assert all(d.count("l") == 3 for d in drawn.values())
        assert drawn["E07000222"].startswith("M14 ")
        first = drawn["E07000220"]
        assert len(markers(svg)) == 2

        # Change the data: Rugby's square grows, and the map follows (no restart).
        _square_topology(boundaries, {"E07000220": (-1.4, 52.3, 0.3), "E07000222": (-1.7, 52.3, 0.2)})
        stat = boundaries.stat()
        os.utime(boundaries, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        svg = svg_of(page_of(client, "/en/centres/?area=rugby"))
        assert {p.get("data-code"): p.get("d") for p in districts(svg)}["E07000220"] != first
        _square_topology(boundaries, {"E07000222": (-1.7, 52.3, 0.2)})
        os.utime(boundaries, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        assert [p.get("data-code") for p in districts(svg_of(page_of(client, "/en/centres/")))] == [
            "E07000222"
        ]


def _vertices(path: str) -> set[tuple[float, float]]:
    points = set()
    for ring in re.findall(r"M([^z]+)z", path):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", ring)]
        x, y = numbers[0], numbers[1]
        points.add((round(x, 1), round(y, 1)))
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            points.add((round(x, 1), round(y, 1)))
    return points


def test_the_real_file_keeps_neighbours_borders_shared():
    """Borders are shared arcs, each simplified once, so neighbouring districts still meet: no gaps."""
    frame = maps.frame(tuple(WARWICKSHIRE))
    vertices = {code: _vertices(path) for code, _name, path in frame.paths}
    assert len(vertices["E07000220"] & vertices["E07000222"]) >= 5  # Rugby and Warwick
    assert len(vertices["E07000219"] & vertices["E07000218"]) >= 5  # Nuneaton and North Warwickshire
    assert not vertices["E07000219"] & vertices["E07000221"]  # Nuneaton and Stratford never meet
    assert maps.simplify([(0, 0), (1, 0.1), (2, 0)], 0.5) == [(0, 0), (2, 0)]
    assert maps.simplify([(0, 0), (1, 3), (2, 0)], 0.5) == [(0, 0), (1, 3), (2, 0)]


def test_markers_never_cover_each_other():
    spread = maps.spread([(100.0, 100.0), (100.0, 100.0), (101.0, 99.0)])
    for i, (x0, y0) in enumerate(spread):
        for x1, y1 in spread[i + 1 :]:
            assert ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 >= 2 * maps.MARKER_RADIUS


# --- configuration: loading the data file and the admin ----------------------------------------------------


def _partnership_file(tmp_path, centre: dict):
    path = tmp_path / "partnership.json"
    path.write_text(
        json.dumps(
            [
                {
                    "code": "test-centre",
                    "name": "Test Centre",
                    "kind": "community",
                    "area": "warwick",
                    "centre": centre,
                }
            ]
        ),
        encoding="utf-8",
    )
    return path


def test_centres_load_from_the_partnership_file_and_reload_in_place(client, tmp_path):
    centre = {
        "address": ["10 Test Street", "Kenilworth"],
        "postcode": "CV8 0ZZ",
        "opening_times": "Fridays, 1pm to 3pm",
        "help_with": "Help to report.",
        "translations": {"ar": {"opening_times": "أيام الجمعة، من 1 إلى 3 ظهرًا"}},
        "languages": ["en", "ti"],
        "access": ["hearing-loop"],
        "email": "test@example.org",
        "longitude": -1.58,
        "latitude": 52.34,
    }
    path = _partnership_file(tmp_path, centre)
    load_agencies(path)
    loaded = ReportingCentre.objects.get(agency__code="test-centre")
    assert loaded.address_lines == ["10 Test Street", "Kenilworth", "CV8 0ZZ"]
    page = page_of(client, "/ar/centres/?area=warwick&language=ti")
    assert listed(page) == ["test-centre"]
    assert 'lang="ar" dir="auto">أيام الجمعة، من 1 إلى 3 ظهرًا</dd>' in page
    assert 'lang="en" dir="auto">Help to report.</dd>' in page
    assert "1. Test Centre" in markers(svg_of(page))

    centre["opening_times"] = "Saturdays, 10am to noon"
    load_agencies(_partnership_file(tmp_path, centre))
    assert ReportingCentre.objects.filter(agency__code="test-centre").count() == 1
    assert "Saturdays, 10am to noon" in page_of(client, "/en/centres/?language=ti")


@pytest.mark.parametrize(
    "wrong, field",
    [
        ({"languages": ["xx"]}, "languages"),
        ({"access": ["lift"]}, "access"),
        ({"location": "E05999999"}, "location"),
        ({"longitude": -1.5}, "latitude"),
    ],
)
def test_a_wrong_centre_in_the_file_is_refused_with_the_reason(tmp_path, wrong, field):
    centre = {"address": "1 Test Street", "opening_times": "Mondays", **wrong}
    with pytest.raises(ValidationError) as refused:
        load_agencies(_partnership_file(tmp_path, centre))
    assert field in refused.value.message_dict
    assert not ReportingCentre.objects.filter(agency__code="test-centre").exists()


def test_the_centre_is_edited_with_its_agency_in_the_settings_admin():
    coordinator = member("warwickshire-hcp", "coordinator")
    coordinator.user.is_staff = coordinator.user.is_superuser = True
    coordinator.user.save()
    client = signed_in(coordinator)
    agency = Agency.objects.get(code="rugby-library")
    page = client.get(f"/staff/settings/partners/agency/{agency.pk}/change/").content.decode()
    assert 'name="centre-0-opening_times"' in page
    assert 'value="bsl"' in page and "Quiet room" in page


def test_centre_staff_are_members_of_the_centre_agency_and_need_a_second_factor():
    worker = member("nuneaton-mosque-centre", "caseworker")
    client = Client()
    client.force_login(worker.user)
    response = client.get("/staff/cases/")
    assert response.status_code == 302 and "/staff/" in response["Location"]
    assert response["Location"] != "/staff/cases/"
