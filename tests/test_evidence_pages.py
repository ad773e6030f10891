"""The pages show what kind of record it is, what the source says behind every claim, who to
ask, and never credit a city with what it only heard in the room."""

import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from cases.models import Basis, CityRole, EventCity, Kind, PracticeCity, PracticeRedirect

from .factories import (
    make_challenge,
    make_city,
    make_event,
    make_organisation,
    make_person,
    make_practice,
    make_source,
)
from .html_forms import form_data

pytestmark = pytest.mark.django_db

PEERS = reverse("cases:peer-finder")
CATALOGUE = reverse("cases:practice-list")


def recommendation(**fields):
    fields.setdefault("voiced_by", "The participants, collectively")
    fields.setdefault("voiced_by_passage", "it was agreed to explore further")
    return make_practice(kind=Kind.RECOMMENDATION, **fields)


@pytest.fixture
def strategy():
    """A city practice with a city that did it and presented it, each with its passage."""
    berlin = make_city(name="Berlin")
    practice = make_practice(
        title="Smart city strategy",
        source=make_source(title="Side event news", published_on=None),
        source_quote="Following initial presentations from Berlin",
        further_passages="on their Smart City strategy\n\nGemeinsam Digital",
        stage="",
    )
    PracticeCity.objects.create(
        goodpractice=practice, city=berlin, role=CityRole.DID, passage="their Smart City strategy"
    )
    PracticeCity.objects.create(
        goodpractice=practice, city=berlin, role=CityRole.PRESENTED, passage="presentations"
    )
    return practice


# --- The practice page ------------------------------------------------------------------------


def test_practice_page_puts_each_city_with_its_role_next_to_the_words_that_show_it(
    client, strategy
):
    response = client.get(strategy.get_absolute_url())
    assertInHTML(
        """<ul class="roles">
        <li><strong>Did it</strong><blockquote class="passage"><p>their Smart City strategy</p>
        </blockquote></li>
        <li><strong>Presented it</strong><blockquote class="passage"><p>presentations</p>
        </blockquote></li></ul>""",
        response.text,
    )


def test_practice_page_names_its_kind_and_says_an_unstated_stage_is_not_stated(client, strategy):
    response = client.get(strategy.get_absolute_url())
    assertContains(response, '<span class="kind">City practice</span>')
    assertContains(response, "Stage: not stated")


def test_practice_page_quotes_the_source_and_its_further_passages(client, strategy):
    response = client.get(strategy.get_absolute_url())
    for passage in ["Following initial presentations from Berlin", "Gemeinsam Digital"]:
        assertInHTML(f"<blockquote><p>{passage}</p></blockquote>", response.text)
    assertContains(response, "Side event news")
    assertContains(response, "date not stated")


def test_a_city_link_without_its_passage_says_so(client):
    practice = make_practice(cities=[make_city(name="Wote")])
    practice.city_links.update(passage="")
    response = client.get(practice.get_absolute_url())
    assertContains(response, "The passage of the source that shows this is not recorded yet.")


def test_a_recommendation_says_who_voiced_it_with_the_passage(client):
    person = make_person(name="Bob Bennett", role="Senior fellow")
    practice = recommendation(voiced_by="Bob Bennett, in an interview.", voiced_by_person=person)
    response = client.get(practice.get_absolute_url())
    assertContains(response, '<span class="kind">Recommendation</span>')
    assertContains(response, "the source does not say that a city did it")
    assertContains(response, "Bob Bennett, in an interview.")
    assertInHTML(
        '<blockquote class="passage"><p>it was agreed to explore further</p></blockquote>',
        response.text,
    )
    assertContains(response, person.get_absolute_url())


def test_the_sources_own_view_is_kept_apart_from_what_participants_said(client):
    practice = recommendation(
        author_view="The report concludes that it matters.",
        author_view_passage="Therefore taking into account the needs",
    )
    response = client.get(practice.get_absolute_url())
    assertContains(response, "own view")
    assertContains(response, "not the words of the participants")
    assertContains(response, "Therefore taking into account the needs")


def test_each_challenge_shows_why_the_record_is_filed_under_it(client):
    challenge = make_challenge(name="Limited funds")
    practice = make_practice(challenges=[challenge], cities=[make_city()])
    practice.challenge_links.update(basis=Basis.CLOSE, passage="despite financial considerations")
    response = client.get(practice.get_absolute_url())
    assertContains(response, "a close reading of the source")
    assertContains(response, "despite financial considerations")


def test_a_record_filed_under_no_challenge_says_why(client):
    practice = make_practice(challenges=[], no_challenge_reason="The report names none.")
    response = client.get(practice.get_absolute_url())
    assertContains(response, "Not filed under any challenge: The report names none.")


def test_see_also_links_show_on_both_pages(client):
    first, second = make_practice(title="Open data first"), make_practice(title="Share data")
    first.see_also.add(second)
    assertContains(client.get(first.get_absolute_url()), "Share data")
    assertContains(client.get(second.get_absolute_url()), "Open data first")


def test_practice_page_lists_who_to_ask_at_its_events(client):
    event = make_event(title="Leaders' talk")
    practice = make_practice(events=[event])
    make_person(name="Katja Dörner", role="Mayor of Bonn", events=[event])
    response = client.get(practice.get_absolute_url())
    assertContains(response, "Who to ask")
    assertContains(response, "Katja Dörner")
    assertContains(response, "speaker at Leaders&#x27; talk")


def test_who_to_ask_leaves_out_the_person_a_recommendation_names_as_its_voice(client):
    event = make_event(title="Leaders' talk")
    person = make_person(name="Katja Dörner", role="Mayor of Bonn", events=[event])
    practice = recommendation(voiced_by="Katja Dörner", voiced_by_person=person, events=[event])
    response = client.get(practice.get_absolute_url())
    # Named once, under "Who said it": no "Who to ask" heading over an empty list.
    assertContains(response, person.get_absolute_url(), count=1)
    assertNotContains(response, "Who to ask")


def test_who_to_ask_names_the_person_who_voiced_a_city_practice_first(client):
    event = make_event(title="Leaders' talk")
    speaker = make_person(name="Anna Aalto", events=[event])
    voice = make_person(name="Katja Dörner", events=[event])
    practice = make_practice(voiced_by_person=voice, events=[event])
    response = client.get(practice.get_absolute_url())
    assertContains(response, voice.get_absolute_url(), count=1)
    assertContains(response, "voiced this")
    assert response.text.index("Katja Dörner") < response.text.index("Anna Aalto")
    assertContains(response, speaker.get_absolute_url(), count=1)


def test_a_merged_practice_answers_301_with_the_practice_it_was_merged_into(client):
    practice = make_practice()
    PracticeRedirect.objects.create(old_slug="old-address", practice=practice)
    response = client.get(reverse("cases:practice-detail", args=["old-address"]))
    assert response.status_code == 301
    assert response["Location"] == practice.get_absolute_url()


def test_an_unknown_practice_address_is_still_404(client):
    assert client.get(reverse("cases:practice-detail", args=["nothing-here"])).status_code == 404


# --- Cards and the catalogue ------------------------------------------------------------------


def test_every_card_names_the_kind_of_record(client):
    recommendation(title="Networks shield against disruption")
    make_practice(title="Open data portal")
    response = client.get(CATALOGUE)
    assertContains(response, '<span class="kind">Recommendation</span>', count=1)
    assertContains(response, '<span class="kind">City practice</span>', count=1)


def test_a_city_with_two_roles_is_named_once_on_the_card(client, strategy):
    assertContains(client.get(CATALOGUE), "Berlin", count=1 + 1)  # the card and the facet


def test_the_catalogue_counts_and_filters_by_kind(client):
    for _ in range(2):
        recommendation()
    make_practice(title="Open data portal")
    response = client.get(CATALOGUE)
    kinds = next(group for group in response.context["facets"] if group["name"] == "kind")
    assert [(value["slug"], value["count"]) for value in kinds["values"]] == [
        ("recommendation", 2),
        ("city_practice", 1),
    ]
    response = client.get(CATALOGUE, {"kind": "city_practice"})
    assert [practice.title for practice in response.context["page"]] == ["Open data portal"]


def test_a_city_with_two_roles_counts_once_in_the_city_facet(client, strategy):
    response = client.get(CATALOGUE)
    cities = next(group for group in response.context["facets"] if group["name"] == "city")
    assert [(value["name"], value["count"]) for value in cities["values"]] == [("Berlin", 1)]


# --- The city page and the peer finder --------------------------------------------------------


@pytest.fixture
def nairobi():
    """Nairobi did one practice, presented one recommendation, took part in an event."""
    challenge = make_challenge(name="Political disruption", slug="political-disruption")
    city = make_city(name="Nairobi")
    event = make_event(title="Side event", cities=[city], challenges=[challenge])
    did = make_practice(title="Cross-party charter", challenges=[challenge], cities=[city])
    advice = recommendation(title="Networks shield against disruption", challenges=[challenge])
    PracticeCity.objects.create(
        goodpractice=advice, city=city, role=CityRole.PRESENTED, passage="Nairobi presented"
    )
    heard = recommendation(title="Keep focus on data", challenges=[challenge], events=[event])
    return {"city": city, "did": did, "advice": advice, "heard": heard}


def test_a_city_page_lists_as_its_own_only_what_it_did_or_presented(client, nairobi):
    response = client.get(nairobi["city"].get_absolute_url())
    assert response.context["own_practices"] == [nairobi["did"]]
    assert set(response.context["practices_heard"]) == {nairobi["advice"], nairobi["heard"]}


def test_a_recommendation_is_never_a_citys_own_practice(client, nairobi):
    PracticeCity.objects.filter(goodpractice=nairobi["advice"]).update(role=CityRole.DID)
    response = client.get(nairobi["city"].get_absolute_url())
    assert nairobi["advice"] not in response.context["own_practices"]


def test_what_a_city_only_heard_is_labelled_as_such(client, nairobi):
    response = client.get(nairobi["city"].get_absolute_url())
    assertContains(response, "Shared at an event Nairobi took part in", count=2)
    assertContains(response, "What Nairobi did or presented")


def test_a_source_about_a_city_is_listed_as_such(client):
    toronto = make_city(name="Toronto")
    practice = recommendation(title="Five aspects")
    PracticeCity.objects.create(
        goodpractice=practice, city=toronto, role=CityRole.SUBJECT, passage="is about Toronto"
    )
    response = client.get(toronto.get_absolute_url())
    assert response.context["practices_about"] == [practice]
    assertContains(response, "The source is about Toronto; it does not say Toronto did this")
    assertContains(client.get(CATALOGUE), "Recommendation</span> · about Toronto")


def test_the_peer_finder_shows_what_a_city_did_never_a_recommendation(client, nairobi):
    response = client.get(PEERS, {"challenge": "political-disruption"})
    (peer,) = response.context["peers"]
    (shared,) = peer.shared
    assert [entry.practice for entry in shared.shown if entry.is_own] == [nairobi["did"]]


def test_the_peer_finder_says_what_a_city_heard_rather_than_no_practice(client, nairobi):
    nairobi["did"].delete()
    response = client.get(PEERS, {"challenge": "political-disruption"})
    (peer,) = response.context["peers"]
    (shared,) = peer.shared
    assert [entry.verb for entry in shared.shown] == ["heard"]
    assertContains(response, "heard at <cite>Side event</cite>: <a href=")
    assertNotContains(response, "no practice")


def test_the_city_list_counts_only_what_a_city_did_or_presented(client, nairobi, strategy):
    response = client.get(reverse("cases:city-list"))
    counts = {city.name: city.practice_count for city in response.context["cities"]}
    assert counts == {"Nairobi": 1, "Berlin": 1}


def test_a_city_page_lists_who_to_ask_there(client):
    bonn = make_city(name="Bonn")
    make_person(name="Katja Dörner", role="Mayor of Bonn", city=bonn)
    assertContains(client.get(bonn.get_absolute_url()), "Katja Dörner")


# --- The event page ---------------------------------------------------------------------------


def test_event_page_shows_each_citys_roles_with_their_passages(client):
    munich = make_city(name="Munich")
    event = make_event(cities=[munich])
    EventCity.objects.filter(event=event).update(passage="Munich, Berlin, and Enzkreis")
    EventCity.objects.create(
        event=event, city=munich, role=CityRole.PRESENTED, passage="from Munich on its"
    )
    response = client.get(event.get_absolute_url())
    for text in ["Took part", "Munich, Berlin, and Enzkreis", "Presented it", "from Munich on its"]:
        assertContains(response, text)
    assertContains(response, munich.get_absolute_url(), count=1)


def test_event_page_names_organisers_and_the_organisations_that_took_part(client):
    event = make_event(organisers=[make_organisation(name="ITU")])
    event.participating_organisations.add(make_organisation(name="OHCHR"))
    response = client.get(event.get_absolute_url())
    assert [str(o) for o in response.context["organisers"]] == ["ITU"]
    assert [str(o) for o in response.context["participating_organisations"]] == ["OHCHR"]


def test_event_page_lists_who_to_ask_with_their_part(client):
    event = make_event()
    make_person(name="Jos Creese", events=[event])
    event.person_links.update(part="chair", note="The report attributes no statement to him.")
    response = client.get(event.get_absolute_url())
    assertContains(response, "Jos Creese")
    assertContains(response, "(chair)")
    assertContains(response, "The report attributes no statement to him.")


# --- People -----------------------------------------------------------------------------------


def test_a_person_page_lists_what_they_said_and_where(client):
    event = make_event(title="Smart cities roundtable")
    source = make_source(title="Roundtable report")
    practice = make_practice(title="Planning broker")
    person = make_person(name="Mike Batty", role="UCL professor", source=source, events=[event])
    person.statements.create(quote="Planning is critical", source=source, event=event, position=1)
    person.statements.create(
        quote="described the science of cities",
        is_reported_speech=True,
        source=source,
        practice=practice,
        position=2,
    )
    response = client.get(person.get_absolute_url())
    assertInHTML(
        '<blockquote class="passage"><p>Planning is critical</p></blockquote>', response.text
    )
    assertContains(response, "In Roundtable report, at Smart cities roundtable")
    assertContains(response, "As the source reports it, in its own words:")
    assertNotContains(response, "<p>described the science of cities</p></blockquote>", html=False)
    assertContains(response, practice.get_absolute_url())


def test_a_person_page_lists_the_records_they_voiced(client):
    person = make_person(name="Bob Bennett")
    practice = recommendation(title="Do not skimp on cyber security", voiced_by_person=person)
    assertContains(client.get(person.get_absolute_url()), practice.title)


def test_a_person_page_hides_events_that_are_not_public(client):
    # Named at a public event too: someone only a draft names has no page at all
    # (tests/test_api.py).
    events = [make_event(title="Draft event", status="draft"), make_event(title="Side event")]
    response = client.get(make_person(events=events).get_absolute_url())
    assertContains(response, "Side event")
    assertNotContains(response, "Draft event")


def test_the_people_list_names_everyone_with_their_role(client):
    make_person(name="Katja Dörner", role="Mayor of Bonn", city=make_city(name="Bonn"))
    response = client.get(reverse("cases:person-list"))
    for text in ["Katja Dörner", "Mayor of Bonn", "Bonn"]:
        assertContains(response, text)


@pytest.mark.parametrize("count", [2, 50])
def test_people_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    city = make_city()
    for number in range(count):
        make_person(name=f"Person {number}", city=city, statements=["Said."])
    # count, page with cities, organisations and statement counts
    with django_assert_num_queries(2):
        client.get(reverse("cases:person-list"))


@pytest.mark.parametrize("count", [2, 50])
def test_person_page_query_count_does_not_grow(client, django_assert_num_queries, count):
    events = [make_event() for _ in range(count)]
    person = make_person(events=events, statements=[f"Said {n}." for n in range(count)])
    for _ in range(count):
        recommendation(voiced_by_person=person)
    # person with city, organisation and source; events; statements; records voiced
    with django_assert_num_queries(4):
        client.get(person.get_absolute_url())


# --- Open data --------------------------------------------------------------------------------


def test_the_api_gives_each_citys_role_with_its_passage_and_the_kind(client, strategy):
    record = client.get(reverse("api:practice-detail", args=[strategy.slug])).json()
    assert record["kind"] == "city_practice"
    assert record["cities"] == [
        {"slug": "berlin", "name": "Berlin", "role": "did", "passage": "their Smart City strategy"},
        {"slug": "berlin", "name": "Berlin", "role": "presented", "passage": "presentations"},
    ]


def test_the_api_says_who_voiced_a_recommendation(client):
    practice = recommendation(voiced_by="One attendee, not named.")
    record = client.get(reverse("api:practice-detail", args=[practice.slug])).json()
    assert (record["kind"], record["voiced_by"]) == ("recommendation", "One attendee, not named.")
    assert record["voiced_by_passage"] == "it was agreed to explore further"


def test_the_exports_name_the_kind_and_a_citys_roles(client, strategy):
    data = json.loads(b"".join(client.get(reverse("data:practice-export-json")).streaming_content))
    (row,) = data["practices"]
    assert row["kind"] == "city_practice"
    assert [(city["slug"], city["role"]) for city in row["cities"]] == [
        ("berlin", "did"),
        ("berlin", "presented"),
    ]
    csv = b"".join(client.get(reverse("data:practice-export-csv")).streaming_content)
    header, line = csv.decode().splitlines()[:2]
    assert ",kind," in header
    assert ",city_practice," in line
    assert ",berlin," in line  # each city once among the slugs


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda slug: make_practice(slug=slug, cities=[make_city()]), "goodpractice"),
        (lambda slug: make_event(slug=slug, source=make_source()), "event"),
    ],
)
def test_a_record_renamed_in_the_admin_keeps_its_old_address(client, admin_client, make, name):
    record = make("budget-pooling")
    old_address = record.get_absolute_url()
    url = reverse(f"admin:cases_{name}_change", args=[record.pk])
    data = form_data(admin_client.get(url))
    data["slug"] = "pooled-budgets"
    assert admin_client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.slug == "pooled-budgets"
    # Cited or linked under the old address, it is still found there.
    response = client.get(old_address)
    assert (response.status_code, response["Location"]) == (301, record.get_absolute_url())
    new_address = record.get_absolute_url()
    # Renamed back, it answers at its first address again, with no loop.
    data = form_data(admin_client.get(url))
    data["slug"] = "budget-pooling"
    admin_client.post(url, data)
    assert client.get(old_address).status_code == 200
    response = client.get(new_address)
    assert (response.status_code, response["Location"]) == (301, old_address)
    assert client.get(old_address.replace("budget-pooling", "no-such-record")).status_code == 404
