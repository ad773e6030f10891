"""Every ISO 3166-1 country with its UN M49 region, so editors can name a city anywhere.

The list is cases/data/countries.json, written by scripts/build_countries.py from pycountry
(the ISO codes), Babel (the CLDR's English names) and the CLDR's M49 containment; see there why.
"""

import json
from pathlib import Path

from django.utils.text import slugify

from .models import Country

COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "countries.json"


def iso_countries() -> list[dict]:
    """[{"code", "name", "region"}], by code; region None where M49 names none (Antarctica)."""
    return json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))


def countries_add_missing() -> list[Country]:
    """Add the ISO countries the database lacks; change none that is there.

    A country is there when its code is. One whose name or slug another country holds (a
    curator's own record) is left out rather than renamed: the record there stays as it is.
    """
    there = list(Country.objects.values_list("code", "name", "slug"))
    codes, names, slugs = ({row[column] for row in there} for column in range(3))
    missing = []
    for country in iso_countries():
        code, name, slug = country["code"], country["name"], slugify(country["name"])
        if code not in codes and name not in names and slug not in slugs:
            region = country["region"] or ""
            missing.append(Country(code=code, name=name, slug=slug, region=region))
    return Country.objects.bulk_create(missing)
