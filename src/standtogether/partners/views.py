"""The public finder of third-party reporting centres: /<lang>/centres/.

A plain GET form filters by area and language (no JavaScript). The list is the page; the map beside it
shows the same centres, numbered as in the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from standtogether.taxonomy.models import Area

from . import centres as finder
from . import maps
from .models import ReportingCentre


@dataclass(frozen=True)
class Marker:
    number: int
    x: float
    y: float
    name: str


@require_safe
def centres(request: HttpRequest) -> HttpResponse:
    listed = finder.listed()
    areas = list(Area.objects.filter(active=True))
    languages = finder.languages_spoken(listed)
    area = request.GET.get("area", "")
    area = area if any(a.code == area for a in areas) else ""
    spoken = request.GET.get("language", "")
    spoken = spoken if any(language.code == spoken for language in languages) else ""
    shown = finder.matching(listed, area=area, spoken=spoken)
    return render(
        request,
        "public/centres.html",
        {
            "title": _("Places where you can report"),
            "centres": [_entry(centre) for centre in shown],
            "areas": areas,
            "languages": languages,
            "area": area,
            "area_label": next((a.label for a in areas if a.code == area), ""),
            "spoken": spoken,
            "filtered": bool(area or spoken),
            "map": _map(areas, shown, area),
        },
    )


def _entry(centre: ReportingCentre) -> dict:
    return {
        "centre": centre,
        "agency": centre.agency,
        "languages": [finder.language(code) for code in centre.languages or []],
        "access": finder.access_features(centre.access or []),
    }


def _map(areas: list[Area], shown: list[ReportingCentre], area: str) -> dict | None:
    frame = maps.frame(tuple(a.ons_code for a in areas if a.ons_code))
    if frame is None:
        return None
    selected = next((a.ons_code for a in areas if a.code == area), "")
    places = [_place(centre) for centre in shown]
    located = [
        (number, centre, place)
        for number, (centre, place) in enumerate(zip(shown, places, strict=True), 1)
        if place
    ]
    spread = maps.spread([frame.project(place) for _, _, place in located])
    return {
        "width": frame.width,
        "radius": maps.MARKER_RADIUS,
        "attribution": settings.BOUNDARIES_ATTRIBUTION,
        "licence_url": settings.BOUNDARIES_LICENCE_URL,
        "height": frame.height,
        "districts": [
            {"code": code, "path": path, "selected": code == selected}
            # the shaded district last, so no neighbour's border is drawn over its outline
            for code, _name, path in sorted(frame.paths, key=lambda district: district[0] == selected)
        ],
        "markers": [
            Marker(number, x, y, centre.agency.name)
            for (number, centre, _), (x, y) in zip(located, spread, strict=True)
        ],
    }


def _place(centre: ReportingCentre) -> maps.Point | None:
    if centre.longitude is not None and centre.latitude is not None:
        return (centre.longitude, centre.latitude)
    if centre.location:
        return maps.place_of(centre.location)
    area = centre.agency.area
    return maps.place_of(area.ons_code) if area and area.ons_code else None
