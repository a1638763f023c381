"""The map of reporting centres: the partnership's districts as an inline SVG, drawn on the server.

No map tiles, no script, nothing from another host: the shapes come from the openly licensed boundary
files copied into the project (settings.BOUNDARIES_FILE, see data/boundaries/README.md and LICENCE.md).
District shapes come from TopoJSON, whose borders are shared arcs: each arc is simplified once, so
neighbouring districts keep meeting exactly. The drawn districts are the areas' ONS codes (taxonomy),
so another partnership gets its own map by configuration. Shapes are computed on first use and kept
while the file is unchanged.

Coordinates are WGS84 longitude/latitude. A county is small enough for a plain equirectangular
projection with longitude scaled by cos(latitude) at its middle: shapes look right and no GIS library
is needed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

WIDTH = 400.0  # SVG user units; the height follows the districts' shape
MARGIN = 14.0
TOLERANCE = 0.6  # simplification, in SVG units (the map is drawn at most ~500 px wide)
MARKER_RADIUS = 15.0  # drawn ~11 px on a 320 px phone

Point = tuple[float, float]


# --- reading the boundary files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    polygons: tuple[tuple[tuple[int, ...], ...], ...]  # polygons → rings → arc indexes (TopoJSON)


@dataclass(frozen=True)
class Topology:
    arcs: tuple[tuple[Point, ...], ...]  # longitude/latitude
    shapes: dict[str, Shape]

    def rings(self, shape: Shape) -> list[list[Point]]:
        return [join_arcs(self.arcs, ring) for polygon in shape.polygons for ring in polygon]


def _stamp(path: Path) -> float:
    return path.stat().st_mtime_ns if path.exists() else 0


def topology() -> Topology:
    path = Path(settings.BOUNDARIES_FILE)
    return _read_topology(str(path), _stamp(path))


@lru_cache(maxsize=4)
def _read_topology(path: str, stamp: float) -> Topology:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    transform = data.get("transform")
    arcs = []
    for arc in data["arcs"]:
        if transform:  # quantised: integer deltas from the previous point
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(px, py) for px, py, *_ in arc]
        arcs.append(tuple(points))
    (collection,) = data["objects"].values()
    shapes = {}
    for geometry in collection["geometries"]:
        code, name = _code_and_name(geometry.get("properties") or {})
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        shapes[code] = Shape(code, name, tuple(tuple(tuple(ring) for ring in p) for p in polygons))
    return Topology(tuple(arcs), shapes)


def _code_and_name(properties: dict) -> tuple[str, str]:
    """ONS codes and names sit under year-stamped keys (LAD13CD, WD13NM, …): take whichever is there."""
    code = next((v for k, v in properties.items() if k.endswith("CD") and v), "")
    name = next((v for k, v in properties.items() if k.endswith("NM") and v), "")
    return code, name


def join_arcs(arcs, ring: tuple[int, ...]) -> list[Point]:
    """A TopoJSON ring: arcs in order, ~index meaning the arc reversed, each sharing its first point with
    the previous arc's last."""
    points: list[Point] = []
    for index in ring:
        arc = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


@lru_cache(maxsize=4)
def _read_wards(folder: str, stamp: tuple) -> dict[str, Point]:
    """Ward code → a point inside it, from every `wards-*.geo.json` beside the district file."""
    points = {}
    for path in sorted(Path(folder).glob("wards-*.geo.json")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            code, _ = _code_and_name(feature.get("properties") or {})
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            rings = [[(x, y) for x, y, *_ in polygon[0]] for polygon in polygons]
            points[code] = centroid(rings)
    return points


def wards() -> dict[str, Point]:
    folder = Path(settings.BOUNDARIES_FILE).parent
    files = sorted(folder.glob("wards-*.geo.json"))
    return _read_wards(str(folder), tuple((str(f), _stamp(f)) for f in files))


def centroid(rings: list[list[Point]]) -> Point:
    """The centre of the largest ring (a district's main land, not an island)."""

    def area_and_centre(ring):
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if not area:
            return 0.0, ring[0]
        return abs(area / 2), (cx / (3 * area), cy / (3 * area))

    return max((area_and_centre(ring) for ring in rings if ring), key=lambda found: found[0])[1]


def place_of(code: str) -> Point | None:
    """Longitude/latitude of a ward or district code in the boundary data, or None."""
    if code in wards():
        return wards()[code]
    shapes = topology()
    if code in shapes.shapes:
        return centroid(shapes.rings(shapes.shapes[code]))
    return None


# --- drawing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The districts projected into SVG units: one path per district, and how to place a point."""

    width: float
    height: float
    paths: tuple[tuple[str, str, str], ...]  # (code, name, path data)
    west: float
    north: float
    scale: float
    squash: float  # cos(latitude) at the middle

    def project(self, point: Point) -> Point:
        longitude, latitude = point
        x = MARGIN + (longitude - self.west) * self.squash * self.scale
        y = MARGIN + (self.north - latitude) * self.scale
        return (min(max(x, 0.0), self.width), min(max(y, 0.0), self.height))


def frame(codes: tuple[str, ...]) -> Frame | None:
    path = Path(settings.BOUNDARIES_FILE)
    return _frame(str(path), _stamp(path), codes)


@lru_cache(maxsize=8)
def _frame(path: str, stamp: float, codes: tuple[str, ...]) -> Frame | None:
    shapes = _read_topology(path, stamp)
    chosen = [shapes.shapes[code] for code in codes if code in shapes.shapes]
    if not chosen:
        return None
    used = {i if i >= 0 else ~i for shape in chosen for p in shape.polygons for ring in p for i in ring}
    longitudes = [x for i in used for x, _ in shapes.arcs[i]]
    latitudes = [y for i in used for _, y in shapes.arcs[i]]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    squash = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * squash)
    height = round((north - south) * scale + 2 * MARGIN, 1)
    projected = Frame(WIDTH, height, (), west, north, scale, squash)
    arcs = {i: simplify([projected.project(p) for p in shapes.arcs[i]], TOLERANCE) for i in used}
    paths = []
    for shape in chosen:
        data = []
        for polygon in shape.polygons:
            for ring in polygon:
                points = join_arcs(arcs, ring)
                if len(points) >= 3:
                    data.append(path_data(points))
        paths.append((shape.code, shape.name, "".join(data)))
    return Frame(WIDTH, height, tuple(paths), west, north, scale, squash)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, keeping both ends (where an arc meets its neighbours)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        length = math.hypot(x1 - x0, y1 - y0)
        farthest, distance = first, 0.0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((x1 - x0) * (y0 - py) - (x0 - px) * (y1 - y0)) / length
            else:
                d = math.hypot(px - x0, py - y0)
            if d > distance:
                farthest, distance = i, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def path_data(points: list[Point]) -> str:
    """SVG path data with one decimal, relative moves after the first point (small markup)."""
    rounded = [(round(x * 10), round(y * 10)) for x, y in points]
    if len(rounded) > 1 and rounded[-1] == rounded[0]:
        rounded.pop()  # "z" closes the ring
    steps = [f"M{rounded[0][0] / 10:g} {rounded[0][1] / 10:g}"]
    for (x0, y0), (x1, y1) in zip(rounded, rounded[1:], strict=False):
        if (x0, y0) != (x1, y1):
            steps.append(f"l{(x1 - x0) / 10:g} {(y1 - y0) / 10:g}")
    return "".join(steps) + "z"


def spread(points: list[Point], distance: float = 2 * MARKER_RADIUS + 2) -> list[Point]:
    """Push markers apart until none covers another (centres in one town would hide each other)."""
    moved = [list(point) for point in points]
    for _round in range(100):
        clear = True
        for i in range(len(moved)):
            for j in range(i + 1, len(moved)):
                dx, dy = moved[j][0] - moved[i][0], moved[j][1] - moved[i][1]
                gap = math.hypot(dx, dy)
                if gap >= distance:
                    continue
                clear = False
                if not gap:  # the same place: fan out in a fixed direction, so the map is stable
                    dx, dy, gap = 1.0, 0.0, 1.0
                push = (distance - gap) / 2 + 0.1
                moved[i][0] -= dx / gap * push
                moved[i][1] -= dy / gap * push
                moved[j][0] += dx / gap * push
                moved[j][1] += dy / gap * push
        if clear:
            break
    return [(round(x, 1), round(y, 1)) for x, y in moved]
