"""The world map's projection and frame: plain arithmetic, no Django, so the script that builds
the country outlines (scripts/build_world_map.py) and the page that places the cities share it.

Equal Earth (Šavrič, Patterson and Jenny, 2018) is an equal-area projection: a country's size on
the map is its size on the ground, so the Global South is not shrunk as on Mercator.
"""

import math

# The projection's published polynomial coefficients.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2

# The frame, in SVG user units: the whole width of the world, from the North Pole down to 60° S
# (below that there is only Antarctica, which the map leaves out).
WIDTH = 1000
NORTH, SOUTH = 90.0, -60.0


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Equal Earth on the unit sphere: degrees in, (x, y) out, y growing northwards."""
    theta = math.asin(M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        math.radians(longitude)
        * math.cos(theta)
        / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


_EDGE_X, _ = equal_earth(180, 0)
SCALE = WIDTH / (2 * _EDGE_X)
_TOP = equal_earth(0, NORTH)[1]
HEIGHT = round((_TOP - equal_earth(0, SOUTH)[1]) * SCALE)


def to_frame(longitude: float, latitude: float) -> tuple[float, float]:
    """SVG coordinates (x to the right, y downwards) of a point in degrees."""
    x, y = equal_earth(longitude, latitude)
    return WIDTH / 2 + x * SCALE, (_TOP - y) * SCALE
