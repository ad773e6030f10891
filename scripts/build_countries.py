#!/usr/bin/env python3
"""Rebuild cases/data/countries.json, every ISO 3166-1 country with its UN M49 region.

Usage: python scripts/build_countries.py [--tarball cldr-core-48.2.0.tgz]

Three well-kept sources, none typed by hand:
- the list of countries and their codes: pycountry, which ships the ISO 3166-1 table of Debian's
  iso-codes (the list ISO publishes, kept up to date release by release);
- their English names: Babel, which ships the Unicode CLDR's names ("South Korea", "Czechia"),
  the short names readers know, where ISO's are formal ("Korea, Republic of");
- their region: the UN M49 containment as the CLDR publishes it (supplemental/
  territoryContainment.json in the npm package cldr-core, pinned below and checked against its
  published integrity hash). Neither Babel nor pycountry ships that table.

The region is the M49 macro-region (Africa, Americas, Asia, Europe, Oceania) the country lies
in, found by walking up the M49 areas (numeric codes) only. The CLDR adds groupings of its own
(EU, UN, "Outlying Oceania" QO): they are not M49 and are not followed, so Antarctica, which M49
puts directly under World, gets no region (null).

Only this script needs npm, pycountry and Babel: the site reads the JSON file it writes, which is
committed, so a new release of a library changes no database until this script is run again.
"""

import argparse
import json
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.npm_package import verified_tarball  # noqa: E402

PACKAGE = "cldr-core@48.2.0"
# From the npm registry's record of that version; a different tarball is refused.
INTEGRITY = (
    "sha512-zfmLothncSwfv2jlevoSrgI2VGgH8SDGHXst6jUEotHA8nq9"
    "Igeg9jzdJDFtBso9pgJuG89DK16TzrmZDdo2Bg=="
)
CONTAINMENT = "package/supplemental/territoryContainment.json"
OUTPUT = REPO / "cases" / "data" / "countries.json"
# The M49 macro-regions, by numeric code, as cases.models.Region names them.
MACRO_REGIONS = {
    "002": "africa",
    "019": "americas",
    "142": "asia",
    "150": "europe",
    "009": "oceania",
}


def read_containment(tarball):
    with tarfile.open(tarball) as archive:
        data = json.load(archive.extractfile(CONTAINMENT))
    return data["supplemental"]["territoryContainment"]


def m49_parents(containment):
    """Each territory's M49 area: the numeric area that lists it (CLDR's groupings left out)."""
    parents = {}
    for area, entry in containment.items():
        if area.isdigit() and "_contains" in entry and "_grouping" not in entry:
            for member in entry["_contains"]:
                parents[member] = area
    return parents


def macro_region(code, parents):
    area = parents.get(code)
    while area is not None and area not in MACRO_REGIONS:
        area = parents.get(area)
    return MACRO_REGIONS.get(area)


def build(containment):
    import pycountry
    from babel import Locale

    parents = m49_parents(containment)
    english = Locale("en").territories
    codes = sorted(country.alpha_2 for country in pycountry.countries)
    return [
        {"code": code, "name": english[code], "region": macro_region(code, parents)}
        for code in codes
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help=f"a downloaded {PACKAGE} (npm pack)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        tarball = verified_tarball(PACKAGE, INTEGRITY, directory, arguments.tarball)
        countries = build(read_containment(tarball))
    OUTPUT.write_text(json.dumps(countries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    without = [country["code"] for country in countries if country["region"] is None]
    print(f"Wrote {OUTPUT.relative_to(REPO)}: {len(countries)} countries, no region: {without}.")


if __name__ == "__main__":
    main()
