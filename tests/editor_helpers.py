"""Helpers shared by the editor and review tests: the POST body of the event report form."""

import uuid

from cases.models import Event, EventCity, GoodPractice, PracticeCity, Status
from cases.services import report_practices

from .factories import PASSAGE, make_challenge, make_city, make_event, make_practice


def report_data(event=None, *, practices=(), action="draft", new_cities=(), **fields):
    """The report form as a browser would post it: `practices` is a list of field dicts."""
    data = {"action": action, "token": str(uuid.uuid4())}
    if event is not None:
        data.update(
            title=event.title,
            starts_on=event.starts_on.isoformat() if event.starts_on else "",
            format=event.format,
            report=event.report,
            version=str(event.version),
            cities=[str(pk) for pk in event.cities.values_list("pk", flat=True)],
            challenges=[str(pk) for pk in event.challenges.values_list("pk", flat=True)],
        )
    data.update(fields)
    data["new_cities-TOTAL_FORMS"] = str(max(len(new_cities), 2))
    data["new_cities-INITIAL_FORMS"] = "0"
    for index, (name, country) in enumerate(new_cities):
        data[f"new_cities-{index}-name"] = name
        data[f"new_cities-{index}-country"] = str(country.pk)

    existing = list(report_practices(event)) if event is not None and event.pk else []
    rows = [_practice_row(practice) for practice in existing] + list(practices)
    data["practices-TOTAL_FORMS"] = str(len(rows))
    data["practices-INITIAL_FORMS"] = str(len(existing))
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"practices-{index}-{name}"] = value
    return data


def _practice_row(practice):
    return {
        "id": str(practice.pk),
        "version": str(practice.version),
        "title": practice.title,
        "kind": practice.kind,
        "summary": practice.summary,
        "description": practice.description,
        "challenges": [str(pk) for pk in practice.challenges.values_list("pk", flat=True)],
        "cities": [str(pk) for pk in practice.cities.values_list("pk", flat=True)],
        "voiced_by": practice.voiced_by,
        "tags": ", ".join(practice.tags.names()),
        "stage": practice.stage,
    }


def complete_submission(city, challenge, **fields):
    """A report complete enough to submit, as the form posts it: add `practices`."""
    complete = {
        "title": "Roundtable",
        "action": "submit",
        "starts_on": "2025-07-08",
        "format": Event.Format.ROUNDTABLE,
        "report": "Report.",
        "cities": [str(city.pk)],
        "challenges": [str(challenge.pk)],
    }
    return report_data(**(complete | fields))


def complete_practice_row(*, title="Open data portal", challenge=None, city=None):
    challenge = challenge or make_challenge()
    city = city or make_city()
    return {
        "title": title,
        "summary": f"{title} in a sentence.",
        "description": f"What the city did for {title}.",
        "challenges": [str(challenge.pk)],
        "cities": [str(city.pk)],
        "tags": "open data, budgeting",
        "stage": GoodPractice.Stage.PILOT,
    }


def make_report(*, status=Status.DRAFT, created_by=None, practices=1, **fields):
    """A complete event report with its practices, in the given status."""
    challenge, city = make_challenge(), make_city()
    fields.setdefault("starts_on", "2025-07-08")
    fields.setdefault("format", Event.Format.SIDE_EVENT)
    fields.setdefault("report", "What was said.")
    event = make_event(
        status=status, created_by=created_by, cities=[city], challenges=[challenge], **fields
    )
    event.refresh_from_db()
    for _ in range(practices):
        make_practice(
            status=status,
            created_by=created_by,
            description="What was done.",
            challenges=[challenge],
            cities=[city],
            events=[event],
        )
    return event


def give_passages(event):
    """What a curator does in the admin before publishing a report written on the site: give
    each city link of the event and of its practices the passage of the source that shows it."""
    EventCity.objects.filter(event=event, passage="").update(passage=PASSAGE)
    PracticeCity.objects.filter(goodpractice__events=event, passage="").update(passage=PASSAGE)
