#!/usr/bin/env python3
"""Rebuild cases/data/world.json, the country outlines the map page draws.

Usage: python scripts/build_world_map.py [--tarball world-atlas-2.0.2.tgz]

The outlines are Natural Earth's 1:110m Admin 0 countries (public domain), as packaged in
TopoJSON by the npm package world-atlas (pinned below, checked against its published
integrity hash). Only this script needs npm, to fetch that package: the site reads the small
JSON file it writes, which is committed. The script decodes the TopoJSON arcs, projects them
with the map's own Equal Earth projection (cases/geo.py), simplifies them to the map's scale
(Douglas-Peucker, arc by arc so neighbouring countries still share their border) and writes
three SVG paths in whole SVG units: the frame (the sea), the land, and the borders between
countries, each border once. Antarctica is left out; the frame stops at 60° S.
"""

import argparse
import itertools
import json
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cases.geo import HEIGHT, NORTH, SOUTH, WIDTH, to_frame  # noqa: E402
from scripts.npm_package import verified_tarball  # noqa: E402

PACKAGE = "world-atlas@2.0.2"
# From the npm registry's record of that version; a different tarball is refused.
INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/"
    "MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
TOPOLOGY = "package/countries-110m.json"
OUTPUT = REPO / "cases" / "data" / "world.json"
ANTARCTICA = "010"  # ISO 3166-1 numeric, the id world-atlas gives each country
# In SVG units (the frame is WIDTH wide): detail finer than this is not drawn.
TOLERANCE = 0.6


def read_topology(tarball):
    with tarfile.open(tarball) as archive:
        return json.load(archive.extractfile(TOPOLOGY))


def decode_arcs(topology):
    """Every arc as a list of (longitude, latitude): the arcs are quantized and delta-encoded."""
    (scale_x, scale_y), (translate_x, translate_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def _distance_to_segment(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def simplify(points, tolerance):
    """Douglas-Peucker: the fewest points within `tolerance` of the line; ends always kept."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            distance = _distance_to_segment(points[i], points[first], points[last])
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _numbers(values):
    # A minus sign separates two numbers in SVG path data, so it needs no space before it.
    text = ""
    for value in values:
        text += f"{value}" if not text or value < 0 else f" {value}"
    return text


def path_data(points, closed):
    """One subpath: absolute move, then relative lines in whole units; repeats dropped."""
    rounded = []
    for x, y in points:
        point = (round(x), round(y))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if closed and len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < (3 if closed else 2):
        return ""
    deltas = []
    for (x0, y0), (x1, y1) in itertools.pairwise(rounded):
        deltas += [x1 - x0, y1 - y0]
    (x, y) = rounded[0]
    return f"M{_numbers([x, y])}l{_numbers(deltas)}" + ("z" if closed else "")


def ring_points(ring, arcs):
    """A ring's points from its arcs (index ~i is arc i reversed), each joint once."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc[1:] if points else arc
    return points


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def unwrap(points):
    """The same line without jumps across the antimeridian: longitudes may pass ±180."""
    unwrapped = [points[0]]
    for lon, lat in points[1:]:
        previous = unwrapped[-1][0]
        lon += 360 * round((previous - lon) / 360)
        unwrapped.append((lon, lat))
    return unwrapped


def _clip(points, limit, keep_below):
    """Sutherland-Hodgman: the part of a closed ring on one side of the meridian `limit`."""

    def inside(point):
        return point[0] <= limit if keep_below else point[0] >= limit

    def crossing(a, b):
        t = (limit - a[0]) / (b[0] - a[0])
        return (limit, a[1] + t * (b[1] - a[1]))

    clipped = []
    for previous, current in zip([points[-1], *points[:-1]], points, strict=True):
        if inside(current):
            if not inside(previous):
                clipped.append(crossing(previous, current))
            clipped.append(current)
        elif inside(previous):
            clipped.append(crossing(previous, current))
    return clipped


def _along_the_edge(ring, step=1.0):
    """Extra points where a ring runs along ±180°: that meridian is a curve on the map."""
    dense = []
    for current, following in zip(ring, [*ring[1:], ring[0]], strict=True):
        dense.append(current)
        if abs(current[0]) == 180 and current[0] == following[0]:
            count = int(abs(following[1] - current[1]) / step)
            dense += [
                (current[0], current[1] + (following[1] - current[1]) * n / (count + 1))
                for n in range(1, count + 1)
            ]
    return dense


def split_at_antimeridian(ring):
    """A closed ring as one or more rings within -180..180° (Russia and Fiji cross it)."""
    ring = unwrap(ring[:-1] if ring[0] == ring[-1] else ring)
    pieces = []
    for shift in (-360, 0, 360):
        shifted = [(lon + shift, lat) for lon, lat in ring]
        piece = _clip(shifted, 180, keep_below=True)
        piece = _clip(piece, -180, keep_below=False) if piece else []
        if len(piece) >= 3:
            pieces.append(_along_the_edge(piece))
    return pieces


def split_line_at_antimeridian(points):
    lines = [[points[0]]]
    for previous, current in itertools.pairwise(points):
        if abs(current[0] - previous[0]) > 180:
            lines.append([])
        lines[-1].append(current)
    return [line for line in lines if len(line) > 1]


def projected(points):
    return simplify([to_frame(*point) for point in points], TOLERANCE)


def build(topology):
    arcs = decode_arcs(topology)

    land = []
    for geometry in topology["objects"]["land"]["geometries"]:
        for polygon in polygons(geometry):
            rings = [ring_points(ring, arcs) for ring in polygon]
            if max(lat for ring in rings for _lon, lat in ring) < SOUTH:
                continue  # Antarctica
            for ring in rings:
                for piece in split_at_antimeridian(ring):
                    land.append(path_data(projected([*piece, piece[0]]), closed=True))

    # An arc that two different countries use is a border between them: drawn once.
    users = {}
    for country in topology["objects"]["countries"]["geometries"]:
        if country.get("id") == ANTARCTICA:
            continue
        for polygon in polygons(country):
            for ring in polygon:
                for index in ring:
                    users.setdefault(index if index >= 0 else ~index, set()).add(id(country))
    borders = [
        path_data(projected(line), closed=False)
        for index, countries in sorted(users.items())
        if len(countries) > 1
        for line in split_line_at_antimeridian(arcs[index])
    ]

    west = [(-180, lat) for lat in range(int(NORTH), int(SOUTH) - 1, -5)]
    east = [(180, lat) for lat in range(int(SOUTH), int(NORTH) + 1, 5)]
    outline = path_data(projected(west) + projected(east), closed=True)

    return {
        "about": (
            f"Natural Earth 1:110m countries (public domain) from the npm package {PACKAGE}, "
            "in the Equal Earth projection of cases/geo.py; rebuilt by "
            "scripts/build_world_map.py. Do not edit by hand."
        ),
        "width": WIDTH,
        "height": HEIGHT,
        "outline": outline,
        "land": "".join(land),
        "borders": "".join(borders),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help=f"a downloaded {PACKAGE} (npm pack)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        tarball = verified_tarball(PACKAGE, INTEGRITY, directory, arguments.tarball)
        world = build(read_topology(tarball))
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(world, indent=1) + "\n")
    sizes = ", ".join(f"{key} {len(world[key]):,}" for key in ("outline", "land", "borders"))
    print(f"Wrote {OUTPUT.relative_to(REPO)}: {sizes} characters of path data.")


if __name__ == "__main__":
    main()
