"""schema.org descriptions of a practice (a CreativeWork) and an event report (an Event), for
the JSON-LD block of their pages. `absolute` turns a path into an absolute address."""

SITE = {"@type": "Organization", "name": "CityLearn"}


def _place(city, absolute):
    return {
        "@type": "Place",
        "name": f"{city.name}, {city.country.name}",
        "url": absolute(city.get_absolute_url()),
    }


def _source(source):
    work = {"@type": "CreativeWork", "name": source.title}
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.author:
        work["author"] = source.author
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.url:
        work["url"] = source.url
    return work


def _organisation(organisation):
    data = {"@type": "Organization", "name": str(organisation)}
    if organisation.website:
        data["url"] = organisation.website
    return data


def _thing(kind, record, absolute):
    return {
        "@context": "https://schema.org",
        "@type": kind,
        "name": record.title,
        "description": record.summary,
        "url": absolute(record.get_absolute_url()),
    }


def practice_structured_data(practice, *, challenges, cities, absolute):
    data = {
        **_thing("CreativeWork", practice, absolute),
        "publisher": SITE,
        "about": [
            {
                "@type": "Thing",
                "name": challenge.name,
                "url": absolute(challenge.get_absolute_url()),
            }
            for challenge in challenges
        ],
        "spatialCoverage": [_place(city, absolute) for city in cities],
    }
    if practice.published_at:
        data["datePublished"] = practice.published_at.date().isoformat()
        data["dateModified"] = practice.updated_at.date().isoformat()
    if practice.source:
        data["isBasedOn"] = _source(practice.source)
    return data


def event_structured_data(event, *, organisers, absolute):
    data = {
        **_thing("Event", event, absolute),
        "organizer": [_organisation(organisation) for organisation in organisers],
    }
    if event.starts_on:
        data["startDate"] = event.starts_on.isoformat()
        data["endDate"] = (event.ends_on or event.starts_on).isoformat()
    if event.host_city:
        city = event.host_city
        data["location"] = {
            "@type": "Place",
            "name": event.place or city.name,
            "url": absolute(city.get_absolute_url()),
        }
    elif event.place:
        data["location"] = {"@type": "Place", "name": event.place}
    if event.source:
        data["isBasedOn"] = _source(event.source)
    return data
