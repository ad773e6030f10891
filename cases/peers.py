"""The peer finder (/peers/) as a reader asked for it: my city, the challenges, a region."""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext

from challenges.models import Challenge

# The catalogue's own chip links, so both pages drop a value the same way.
from .catalogue import _without
from .filters import SlugListField
from .models import City, Region
from .selectors import challenge_ids_faced_by


@dataclass
class PeerQuestion:
    """The peer finder's question as the query string asks it: my city, the challenges, a region.

    `?city=berlin` alone ticks the challenges Berlin raised at events or addressed in its own
    practices; ticked challenges (`?challenge=…`) replace that choice.
    """

    city: City | None
    city_slug: str
    chosen: list
    unknown: list
    region: str
    is_preselected: bool

    @classmethod
    def from_get(cls, get, *, cities):
        slugs = SlugListField().to_python(get.getlist("challenge"))
        region = get.get("region", "")
        city_slug = get.get("city", "").strip()
        # `cities` are CityOptions (cases.selectors.city_options): the reader's city as a City,
        # with what the finder reads of it (its id, slug and name), costs no query.
        option = next((city for city in cities if city.slug == city_slug), None)
        city = option and City(pk=option.pk, slug=option.slug, name=option.name)
        is_preselected = city is not None and not slugs
        if is_preselected:
            chosen = Challenge.objects.filter(pk__in=challenge_ids_faced_by(city))
        else:
            chosen = Challenge.objects.filter(slug__in=slugs) if slugs else []
        chosen = sorted(chosen, key=lambda challenge: challenge.name)
        chosen_slugs = {challenge.slug for challenge in chosen}
        return cls(
            city=city,
            city_slug=city_slug,
            chosen=chosen,
            unknown=[slug for slug in slugs if slug not in chosen_slugs],
            region=region if region in Region.values else "",
            is_preselected=is_preselected,
        )

    @property
    def is_city_unknown(self):
        return bool(self.city_slug) and self.city is None

    @property
    def region_name(self):
        return dict(Region.choices).get(self.region, "")

    def chips(self):
        """One removable chip per challenge, one for the region and one for the city, each
        linking to the finder without it."""
        params = QueryDict(mutable=True)
        params.setlist("challenge", [challenge.slug for challenge in self.chosen])
        if self.region:
            params["region"] = self.region
        if self.city:
            params["city"] = self.city.slug
        # (label, name, address without it, whether the name comes from a record)
        removals = [
            (
                gettext("Challenge"),
                challenge.name,
                _without(params, "challenge", challenge.slug),
                True,
            )
            for challenge in self.chosen
        ]
        if self.region:
            removals.append(
                (gettext("Region"), self.region_name, _without(params, "region"), False)
            )
        if self.city:
            removals.append((gettext("My city"), self.city.name, _without(params, "city"), True))
        return [
            {
                "label": label,
                "name": name,
                "remove_url": url,
                "is_link": True,
                "is_content": is_content,
            }
            for label, name, url, is_content in removals
        ]
