"""`{% easy_points "start.what" %}`: an Easy Read list, each point a picture beside its sentences.

The pictures are decorative (alt=""): the sentence beside each says the same thing. In printed material
(`for_print=True`) they are the same SVG files, by file URL (WeasyPrint's fetcher allows only our files),
drawn as backgrounds so the tagged PDF's structure holds only the words.
"""

from __future__ import annotations

from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from standtogether.intake import easyread

register = template.Library()


def _print_source(point: easyread.Point) -> str:
    found = finders.find(point.static_path)
    if not found:
        raise FileNotFoundError(f"static/{point.static_path} is missing: run `make assets`")
    return Path(found).resolve().as_uri()


@register.inclusion_tag("intake/_easy_points.html")
def easy_points(key: str, for_print: bool = False) -> dict:
    points = easyread.DANGER if key == "danger" else easyread.PAGES[key]
    return {
        "points": [
            {
                "src": _print_source(point) if for_print else static(point.static_path),
                "sentences": point.sentences,
            }
            for point in points
        ],
        "for_print": for_print,
        "danger": key == "danger",
    }
