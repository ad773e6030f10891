"""The map of cities: its projection, its country outlines, its marks and its text equivalent."""

import gzip
import importlib.util
import io
import math
import random
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.catalogue_index import catalogue_index
from cases.geo import HEIGHT, SOUTH, WIDTH, equal_earth, to_frame
from cases.maps import FULL_SCALE, MAX_RADIUS, MIN_RADIUS, WORLD
from cases.models import City, CityRole, Kind, PracticeCity, Region, Status
from demo.data import clear_demo_data, generate_demo_data

from .factories import make_challenge, make_city, make_country, make_event, make_practice

MAP = reverse("cases:map")
CATALOGUE = reverse("cases:practice-list")
SVG = "{http://www.w3.org/2000/svg}"

pytestmark = pytest.mark.django_db


# The projection ---------------------------------------------------------------------------

# d3-geo 3.1.2's geoEqualEarthRaw (Bostock's implementation of the same paper), degrees in.
D3_EQUAL_EARTH = [
    ((180, 0), (2.706629983696, 0.0)),
    ((0, 90), (0.0, 1.317362759157)),
    ((180, 90), (1.603588648284, 1.317362759157)),
    ((-180, -60), (-2.039060087572, -1.088300835505)),
    ((36.817, -1.286), (0.553544479242, -0.026050752522)),
    ((-74.006, 40.713), (-0.981860195891, 0.787067700727)),
    ((126.978, 37.566), (1.717333320479, 0.731579782814)),
    ((90, 45), (1.159854499103, 0.860231085522)),
]


@pytest.mark.parametrize(("degrees", "expected"), D3_EQUAL_EARTH)
def test_equal_earth_matches_the_reference_implementation(degrees, expected):
    assert equal_earth(*degrees) == pytest.approx(expected, abs=1e-9)


def test_equal_earth_keeps_areas():
    # A one-degree cell at 60° covers half the ground of one at the equator (cos 60° = 1/2):
    # on an equal-area map it covers half the paper too.
    def cell_area(latitude, step=1e-4):
        x0, y0 = equal_earth(0, latitude)
        x1, _ = equal_earth(step, latitude)
        _, y1 = equal_earth(0, latitude + step)
        return (x1 - x0) * (y1 - y0)

    assert cell_area(60) / cell_area(0) == pytest.approx(0.5, rel=1e-4)
    assert cell_area(-30) / cell_area(0) == pytest.approx(math.cos(math.radians(30)), rel=1e-4)


def test_the_frame_runs_from_the_dateline_to_the_dateline_and_the_pole_to_60_south():
    assert to_frame(-180, 0)[0] == pytest.approx(0)
    assert to_frame(180, 0)[0] == pytest.approx(WIDTH)
    assert to_frame(0, 90)[1] == pytest.approx(0)
    assert to_frame(0, SOUTH)[1] == pytest.approx(HEIGHT, abs=0.5)


# The country outlines ---------------------------------------------------------------------

PATH_COMMAND = re.compile(r"([Mlz])([^Mlz]*)")
NUMBER = re.compile(r"-?\d+")


def subpaths(data):
    """The absolute points of each subpath of path data made of M, l and z."""
    points = []
    for command, arguments in PATH_COMMAND.findall(data):
        numbers = [int(n) for n in NUMBER.findall(arguments)]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command == "M":
            points.append([pairs[0]])
        for dx, dy in pairs if command == "l" else []:
            x, y = points[-1][-1]
            points[-1].append((x + dx, y + dy))
    return points


def test_the_outlines_fit_the_frame_they_were_built_for():
    assert (WORLD["width"], WORLD["height"]) == (WIDTH, HEIGHT)
    for name in ("outline", "land", "borders"):
        assert re.fullmatch(r"[-0-9 Mlz]+", WORLD[name]), name
        points = [point for subpath in subpaths(WORLD[name]) for point in subpath]
        assert len(points) > 10
        assert all(-1 <= x <= WIDTH + 1 and -1 <= y <= HEIGHT + 1 for x, y in points), name


def test_the_outlines_are_small():
    assert sum(len(WORLD[name]) for name in ("outline", "land", "borders")) < 30_000


def _load_build_script():
    path = settings.BASE_DIR / "scripts" / "build_world_map.py"
    spec = importlib.util.spec_from_file_location("build_world_map", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_script_draws_each_border_once_and_leaves_antarctica_out():
    build = _load_build_script()
    # Two countries sharing arc 0 (their border), and a polygon south of 60° S.
    topology = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [
            [[10, 0], [0, 10]],  # the border, (10, 0) to (10, 10)
            [[10, 10], [-10, 0], [0, -10], [10, 0]],  # the west country's other sides
            [[10, 0], [10, 0], [0, 10], [-10, 0]],  # the east country's other sides
            [[0, -80], [10, 0], [0, -5], [-10, 0], [0, 5]],  # "Antarctica"
            [[0, 0], [20, 0], [0, 10], [-20, 0], [0, -10]],  # land: both countries merged
        ],
        "objects": {
            "countries": {
                "geometries": [
                    {"type": "Polygon", "id": "001", "arcs": [[0, 1]]},
                    {"type": "Polygon", "id": "002", "arcs": [[2, ~0]]},
                    {"type": "Polygon", "id": "010", "arcs": [[3]]},
                ]
            },
            "land": {"geometries": [{"type": "MultiPolygon", "arcs": [[[4]], [[3]]]}]},
        },
    }
    world = build.build(topology)
    x, y = (round(value) for value in to_frame(10, 0))
    assert world["borders"].startswith(f"M{x} {y}l")
    assert world["borders"].count("M") == 1
    assert world["land"].count("M") == 1


def test_the_build_script_cuts_rings_that_cross_the_dateline():
    build = _load_build_script()
    # A square from 170° E across the dateline to 170° W, as TopoJSON stores it.
    ring = [(170, 60), (-170, 60), (-170, 50), (170, 50), (170, 60)]
    pieces = build.split_at_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        longitudes = [lon for lon, _lat in piece]
        assert min(longitudes) >= -180 and max(longitudes) <= 180
        assert 180 in map(abs, longitudes)


# Seed coordinates -------------------------------------------------------------------------


def _inside(point, ring):
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _near(point, ring, distance):
    return any(math.dist(point, vertex) <= distance for vertex in ring)


def test_every_seeded_city_has_coordinates_on_land():
    call_command("seed", stdout=io.StringIO())
    land = subpaths(WORLD["land"])
    cities = City.objects.all()
    assert cities and all(city.latitude is not None for city in cities)
    for city in cities:
        point = to_frame(float(city.longitude), float(city.latitude))
        # On land, or on the coast within 4 units (about 150 km) at this scale.
        on_land = sum(_inside(point, ring) for ring in land) % 2 == 1
        assert on_land or any(_near(point, ring, 4) for ring in land), city.name


# The page ---------------------------------------------------------------------------------


def element(response, tag):
    """The first <tag> of the page and all it holds, parsed as XML (it fails if malformed)."""
    html = response.content.decode()
    start, end = html.index(f"<{tag}"), html.index(f"</{tag}>") + len(f"</{tag}>")
    return ET.fromstring(html[start:end])  # noqa: S314 (our own page, in a test)


def svg_of(response):
    return element(response, "svg")


def marks_of(response):
    return [
        (a.get("href"), a.find(f"{SVG}title").text, a.find(f"{SVG}circle"))
        for a in svg_of(response).iter(f"{SVG}a")
    ]


@pytest.fixture
def kenya():
    return make_country(name="Kenya", slug="kenya", code="KE", region=Region.AFRICA)


@pytest.fixture
def nairobi(kenya):
    return make_city(
        name="Nairobi", slug="nairobi", country=kenya, latitude=-1.286, longitude=36.817
    )


def test_a_city_with_coordinates_gets_a_link_with_its_name_country_and_count(client, nairobi):
    for _ in range(3):
        make_practice(cities=[nairobi])
    assert marks_of(client.get(MAP))[0][:2] == ("/cities/nairobi/", "Nairobi, Kenya: 3 practices")


def test_the_svg_is_well_formed_with_one_link_per_city_with_coordinates(client, kenya):
    for number in range(5):
        city = make_city(country=kenya, latitude=number, longitude=30 + number)
        make_practice(cities=[city])
    make_practice(cities=[make_city(name="Nowhere Town")])
    marks = marks_of(client.get(MAP))
    assert len(marks) == 5
    assert all(href.startswith("/cities/") for href, _title, _circle in marks)


def test_a_mark_sits_where_the_projection_puts_the_city(client, nairobi):
    make_practice(cities=[nairobi])
    circle = marks_of(client.get(MAP))[0][2]
    x, y = to_frame(36.817, -1.286)
    assert (float(circle.get("cx")), float(circle.get("cy"))) == pytest.approx((x, y), abs=0.05)


def test_mark_areas_follow_practice_counts_with_a_minimum_and_small_ones_on_top(client, kenya):
    counts = {"big": 100, "quarter": 25, "tiny": 1}
    for name, count in counts.items():
        city = make_city(name=name, slug=name, country=kenya, latitude=0, longitude=0)
        for _ in range(count):
            make_practice(cities=[city])
    marks = marks_of(client.get(MAP))
    radii = {href.split("/")[2]: float(circle.get("r")) for href, _title, circle in marks}
    assert radii["big"] == MAX_RADIUS
    assert radii["quarter"] == pytest.approx(MAX_RADIUS / 2)  # a quarter of the area
    assert radii["tiny"] == MIN_RADIUS  # 1.8 by area: raised so it can be clicked
    assert [href for href, _title, _circle in marks] == [
        "/cities/big/",
        "/cities/quarter/",
        "/cities/tiny/",
    ]


def test_in_a_small_catalogue_one_practice_is_not_drawn_as_a_big_mark(client, nairobi):
    make_practice(cities=[nairobi])
    radius = float(marks_of(client.get(MAP))[0][2].get("r"))
    assert radius == pytest.approx(MAX_RADIUS * math.sqrt(1 / FULL_SCALE), abs=0.05)


def test_cities_without_coordinates_are_listed_beside_the_map(client, nairobi):
    make_practice(cities=[make_city(name="Wote Municipality", slug="wote")])
    make_practice(cities=[nairobi])
    response = client.get(MAP)
    assert [city.name for city in response.context["unplaced"]] == ["Wote Municipality"]
    assertContains(response, "Not on the map")
    assert [href for href, _title, _circle in marks_of(response)] == ["/cities/nairobi/"]


def test_the_table_lists_every_city_with_its_country_and_count(client, nairobi):
    make_practice(cities=[nairobi])
    make_practice(cities=[make_city(name="Wote Municipality", slug="wote")])
    response = client.get(MAP)
    table = element(response, "table")
    rows = {
        "".join(row[0].itertext()): (row[1].text, row[2].text)
        for row in table.find("tbody").iter("tr")
    }
    assert rows["Nairobi"] == ("Kenya", "1")
    assert rows["Wote Municipality"][1] == "1"


def test_each_table_row_links_to_its_city_as_its_mark_does(client, nairobi):
    make_practice(cities=[nairobi])
    make_practice(cities=[make_city(name="Wote Municipality", slug="wote")])
    response = client.get(MAP)
    links = {a.text: a.get("href") for a in element(response, "table").iter("a")}
    assert links == {"Nairobi": "/cities/nairobi/", "Wote Municipality": "/cities/wote/"}
    # The table is the map's text equivalent: a city is linked by its mark and its row, and a
    # city without coordinates by its row only (the list beside the map names it).
    assert [href for href, _title, _circle in marks_of(response)] == ["/cities/nairobi/"]
    assertContains(response, 'href="/cities/nairobi/"', count=2)
    assertContains(response, 'href="/cities/wote/"', count=1)


def test_unpublished_practices_are_not_counted(client, nairobi):
    make_practice(cities=[nairobi])
    make_practice(cities=[nairobi], status=Status.DRAFT)
    make_practice(cities=[nairobi], status=Status.IN_REVIEW)
    assert marks_of(client.get(MAP))[0][1] == "Nairobi, Kenya: 1 practice"


def test_a_city_without_practices_is_not_on_the_map(client, nairobi):
    assert marks_of(client.get(MAP)) == []
    assertContains(client.get(MAP), "No city has a published practice")


@pytest.fixture
def catalogue_world():
    """Practices of each kind over cities in three regions, some naming several cities, and a
    draft."""
    silos, funds, skills = (make_challenge(slug=slug) for slug in ("silos", "funds", "skills"))
    regions = [Region.AFRICA, Region.EUROPE, Region.ASIA]
    countries = [make_country(region=region) for region in regions]
    cities = [make_city(country=countries[n % 3], latitude=n, longitude=n * 10) for n in range(6)]
    cities.append(make_city(country=countries[0]))  # no coordinates
    practice, advice, talk = Kind.CITY_PRACTICE, Kind.RECOMMENDATION, Kind.CITY_PRESENTATION
    plan = [
        ([silos], [0, 1], practice),
        ([silos, funds], [0], advice),
        ([funds], [2, 3, 6], practice),
        ([skills], [4], talk),
        ([silos, skills], [5, 6], advice),
        ([funds, skills], [1, 4], practice),
        ([silos], [3], talk),
        ([silos], [0, 2], talk),
    ]
    for challenges, city_numbers, kind in plan:
        make_practice(challenges=challenges, cities=[cities[n] for n in city_numbers], kind=kind)
    make_practice(challenges=[silos], cities=cities[:3], status=Status.DRAFT)
    return cities


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"challenge": "silos"},
        {"challenge": ["silos", "skills"]},
        {"region": "africa"},
        {"region": ["europe", "asia"]},
        {"challenge": "funds", "region": "africa"},
        {"challenge": ["silos", "funds"], "region": ["africa", "asia"]},
        {"kind": "city_presentation"},
        {"kind": ["recommendation", "city_practice"]},
        {"kind": "city_presentation", "challenge": "silos"},
        {"kind": "recommendation", "region": "africa"},
        {"kind": ["city_practice", "city_presentation"], "challenge": "silos", "region": "asia"},
    ],
)
def test_counts_equal_the_catalogues_for_the_same_filters(client, catalogue_world, filters):
    on_map = {city.slug: city.practice_count for city in client.get(MAP, filters).context["cities"]}
    assert on_map
    for city in catalogue_world:
        in_catalogue = client.get(CATALOGUE, {**filters, "city": city.slug}).context["page"]
        regions = filters.get("region", [])
        in_region = not regions or city.country.region in regions
        expected = in_catalogue.paginator.count if in_region else 0
        assert on_map.get(city.slug, 0) == expected, city.slug


# Cities that only took part ------------------------------------------------------------------


@pytest.fixture
def shared_at_an_event(nairobi, kenya):
    """Nairobi did a practice on silos, shared at an event where Dschang and Bonn took part."""
    silos = make_challenge(slug="silos")
    dschang = make_city(name="Dschang", slug="dschang", country=kenya, latitude=5.4, longitude=10)
    bonn = make_city(
        name="Bonn",
        slug="bonn",
        country=make_country(name="Germany", region=Region.EUROPE),
        latitude=50.7,
        longitude=7.1,
    )
    event = make_event(cities=[nairobi, dschang, bonn])
    make_practice(challenges=[silos], cities=[nairobi], events=[event])
    return event


def test_a_city_that_only_took_part_is_a_ring_and_counts_no_practice(client, shared_at_an_event):
    response = client.get(MAP)
    assert [city.slug for city in response.context["cities"]] == ["nairobi"]
    assert [city.slug for city in response.context["took_part"]] == ["bonn", "dschang"]
    rings = [a for a in svg_of(response).iter(f"{SVG}a") if a.get("class") == "took-part"]
    shared = "took part in 1 event where these practices were shared (no practice of its own)"
    assert sorted(a.find(f"{SVG}title").text for a in rings) == [
        f"Bonn, Germany: {shared}",
        f"Dschang, Kenya: {shared}",
    ]
    assertContains(response, "it is not counted as a practice")
    # Its row links to its page, beside its ring: the catalogue has nothing for it.
    assertContains(response, 'href="/cities/dschang/"', count=2)
    in_catalogue = client.get(CATALOGUE, {"city": "dschang"}).context["page"]
    assert in_catalogue.paginator.count == 0


def test_took_part_follows_the_filters_and_published_events(
    client, shared_at_an_event, django_capture_on_commit_callbacks
):
    took_part = client.get(MAP, {"region": "africa"}).context["took_part"]
    assert [city.slug for city in took_part] == ["dschang"]
    make_challenge(slug="funds")
    assert client.get(MAP, {"challenge": "funds"}).context["took_part"] == []
    # The catalogue's version moves when the write commits (the map reads the catalogue index).
    with django_capture_on_commit_callbacks(execute=True):
        shared_at_an_event.status = Status.IN_REVIEW
        shared_at_an_event.save()
    assert client.get(MAP).context["took_part"] == []


def test_the_map_links_to_the_same_filters_in_the_catalogue(client, catalogue_world):
    response = client.get(MAP, {"challenge": "silos", "region": "africa"})
    assertContains(response, f'href="{CATALOGUE}?challenge=silos&amp;region=africa"')
    response = client.get(MAP, {"kind": "recommendation", "challenge": "silos"})
    assertContains(response, f'href="{CATALOGUE}?kind=recommendation&amp;challenge=silos"')


def test_the_kind_filter_keeps_its_choice_and_names_it(client, catalogue_world):
    response = client.get(MAP, {"kind": "city_presentation"})
    assertContains(response, '<option value="city_presentation" selected>', html=False)
    assertContains(response, "· City presentation")


def test_unknown_filter_values_are_ignored_with_a_message(client, catalogue_world):
    response = client.get(
        MAP, {"kind": "rumour", "challenge": ["silos", "no-such-thing"], "region": "atlantis"}
    )
    assert response.status_code == 200
    assertContains(response, "Not found, so left out: rumour, no-such-thing, atlantis.")
    silos_only = client.get(MAP, {"challenge": "silos"}).context["cities"]
    assert response.context["cities"] == silos_only


def test_a_value_is_known_only_for_its_own_filter(client, catalogue_world):
    response = client.get(MAP, {"challenge": "africa", "region": "africa"})
    assertContains(response, "Not found, so left out: africa.")


def test_known_filters_give_no_message(client, catalogue_world):
    assertNotContains(client.get(MAP, {"challenge": "silos", "region": "asia"}), "Not found")


@pytest.mark.parametrize(
    "query",
    [
        "challenge=",
        "region=",
        "challenge=%00",
        "challenge=" + "x" * 5000,
        "region=%FF%FE",
        "challenge=<script>alert(1)</script>",
        "&".join(f"challenge=c{n}" for n in range(200)),
        "challenge[]=silos&region[]=africa",
        "challenge=silos&challenge=silos&region=AFRICA",
        "kind=",
        "kind=%00&kind=" + "k" * 3000,
        "kind[]=recommendation",
        "&".join(f"kind=k{n}" for n in range(200)),
    ],
)
def test_bad_parameters_never_give_a_server_error(client, catalogue_world, query):
    response = client.get(f"{MAP}?{query}")
    assert response.status_code == 200
    assertNotContains(response, "<script>alert")


def test_hostile_city_names_stay_text_in_the_svg(client, kenya):
    name = '</title><script>alert("x")</script>&'
    make_practice(
        cities=[make_city(name=name, slug="hostile", country=kenya, latitude=1, longitude=1)]
    )
    response = client.get(MAP)
    assert marks_of(response)[0][1] == f"{name}, Kenya: 1 practice"
    assertNotContains(response, "<script>alert")


def test_map_query_count(client, catalogue_world, django_assert_num_queries):
    catalogue_index()  # built by an earlier reader (tests/test_catalogue.py)
    # The chosen challenges, the cities (counted in the catalogue index, with those that took
    # part), the challenges for the form (4 before issue 13).
    with django_assert_num_queries(3):
        client.get(MAP, {"challenge": "silos", "region": "africa"})
    # Without a challenge there is nothing to look up.
    with django_assert_num_queries(2):
        client.get(MAP)


def test_map_query_count_does_not_grow_with_the_catalogue(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    make_challenge(slug="silos")
    # The catalogue's version moves when a write commits; the test's transaction never does.
    with django_capture_on_commit_callbacks(execute=True):
        generate_demo_data(practices=40, seed=1)
    catalogue_index()
    with django_assert_num_queries(3):
        small = client.get(MAP, {"challenge": "silos"})
    with django_capture_on_commit_callbacks(execute=True):
        clear_demo_data()
        generate_demo_data(practices=400, seed=1)
    catalogue_index()
    with django_assert_num_queries(3):
        large = client.get(MAP, {"challenge": "silos"})
    assert len(large.context["marks"]) > len(small.context["marks"]) > 0


def test_the_challenge_page_links_to_its_map(client):
    challenge = make_challenge(slug="silos")
    assertContains(client.get(challenge.get_absolute_url()), f'href="{MAP}?challenge=silos"')


def test_the_cities_page_links_to_the_map(client):
    assertContains(client.get(reverse("cases:city-list")), f'href="{MAP}"')


# Weight ------------------------------------------------------------------------------------

# Tier L of the demo data has 1,000 cities (100,000 practices: too slow to make in a test). The
# page's weight grows with its cities (a mark and a table row each), not with the practices
# behind their counts, so 1,000 cities with demo-like names stand in. Their counts have one or
# two digits where tier L's have up to four: two more digits in a mark's title and a table row
# cost under 2 KB compressed over 1,000 cities, so the test keeps that much in hand.
TIER_L_CITIES = 1_000
MAX_MAP_GZIP_BYTES = 60_000 - 2_000


@pytest.mark.parametrize("took_part_share", [0, 0.5])
def test_the_map_of_a_thousand_cities_stays_under_60_kb_compressed(client, took_part_share):
    # With a share of the cities only taking part in events (rings, with longer names and a
    # table of their own) as well as with every city doing something.
    rng = random.Random(1)
    countries = [make_country(name=f"Demoland {n}") for n in range(25)]
    cities = City.objects.bulk_create(
        City(
            name=f"{''.join(rng.choices('aeioubdklmnrst', k=8)).capitalize()}ville",
            slug=f"demo-{number:04d}",
            country=countries[number % len(countries)],
            latitude=Decimal(rng.randint(-60_00000, 70_00000)) / 100000,
            longitude=Decimal(rng.randint(-180_00000, 180_00000)) / 100000,
        )
        for number in range(TIER_L_CITIES)
    )
    attending = round(TIER_L_CITIES * took_part_share)
    events = [make_event(cities=cities[:attending]) for _ in range(3)]
    practices = [make_practice(events=events) for _ in range(20)]
    PracticeCity.objects.bulk_create(
        PracticeCity(goodpractice=practice, city=city, role=CityRole.DID)
        for number, city in enumerate(cities[attending:])
        for practice in practices[: 1 + number % 20]
    )
    response = client.get(MAP)
    assert len(response.context["took_part"]) == attending
    assert len(response.context["marks"]) == TIER_L_CITIES
    assert len(gzip.compress(response.content, compresslevel=6)) < MAX_MAP_GZIP_BYTES
