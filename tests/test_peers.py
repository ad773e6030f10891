"""Peer cities: on a city's page and in the peer finder at /peers/."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cases.catalogue_index import catalogue_index
from cases.models import City, CityRole, Kind, PracticeCity, Region, Status
from cases.selectors import PEER_CHALLENGES_SHOWN, city_options

from .factories import make_challenge, make_city, make_country, make_event, make_practice

pytestmark = pytest.mark.django_db

URL = reverse("cases:peer-finder")


def own_practices_shown(city):
    """Titles of what a peer card says the city did or presented, once each, by title."""
    return sorted(
        {entry.practice.title for item in city.shared for entry in item.shown if entry.is_own}
    )


@pytest.fixture
def peers():
    """Nairobi faces a, b, c (c only through an event). Kampala shares a, b; Bonn shares a."""
    africa = make_country(region=Region.AFRICA)
    europe = make_country(region=Region.EUROPE)
    nairobi = make_city(name="Nairobi", slug="nairobi", country=africa)
    kampala = make_city(name="Kampala", slug="kampala", country=africa)
    bonn = make_city(name="Bonn", slug="bonn", country=europe)
    lonely = make_city(name="Lonely", slug="lonely", country=europe)
    a = make_challenge(name="Challenge A", slug="a")
    b = make_challenge(name="Challenge B", slug="b")
    c = make_challenge(name="Challenge C", slug="c")
    d = make_challenge(name="Challenge D", slug="d")
    make_practice(title="Nairobi does A and B", challenges=[a, b], cities=[nairobi])
    make_event(title="Talk on C", challenges=[c], cities=[nairobi])
    make_practice(title="Kampala does A", challenges=[a], cities=[kampala])
    make_practice(title="Kampala does B", challenges=[b], cities=[kampala])
    make_practice(title="Bonn does A", challenges=[a], cities=[bonn])
    make_practice(title="Bonn drafts C", challenges=[c], cities=[bonn], status=Status.DRAFT)
    make_practice(title="Lonely does D", challenges=[d], cities=[lonely])
    return nairobi


def test_city_lists_the_challenges_of_its_practices_and_events(client, peers):
    challenges = client.get(peers.get_absolute_url()).context["challenges"]
    assert sorted(challenge.slug for challenge in challenges) == ["a", "b", "c"]


def test_peer_cities_are_ranked_by_shared_challenges(client, peers):
    ranked = client.get(peers.get_absolute_url()).context["peers"]
    assert [(city.name, len(city.shared_challenge_ids)) for city in ranked] == [
        ("Kampala", 2),
        ("Bonn", 1),
    ]


def test_peer_overlap_is_said_in_words(client, peers):
    response = client.get(peers.get_absolute_url())
    assertContains(response, "shares 2 of Nairobi\N{RIGHT SINGLE QUOTATION MARK}s 3 challenges")


def test_a_city_without_peers_says_so(client, peers):
    lonely = client.get(reverse("cases:city-detail", args=["lonely"]))
    assertContains(lonely, "No other city faces the same challenges yet.")


def test_finder_without_a_choice_asks_for_one(client, peers):
    assertContains(client.get(URL), "Choose your city, or tick at least one challenge")


def test_finder_ranks_cities_sharing_most_of_the_ticked_challenges(client, peers):
    response = client.get(URL, {"challenge": ["a", "b", "c"]})
    ranked = [(city.name, len(city.shared_challenge_ids)) for city in response.context["peers"]]
    assert ranked == [("Nairobi", 3), ("Kampala", 2), ("Bonn", 1)]
    assertContains(response, "Shares 3 of your 3 challenges.")


def test_finder_shows_what_each_city_did_about_those_challenges(client, peers):
    response = client.get(URL, {"challenge": ["b"]})
    by_city = {city.name: own_practices_shown(city) for city in response.context["peers"]}
    assert by_city == {"Kampala": ["Kampala does B"], "Nairobi": ["Nairobi does A and B"]}


def test_finder_keeps_to_a_region(client, peers):
    response = client.get(URL, {"challenge": ["a"], "region": "europe"})
    assert [city.name for city in response.context["peers"]] == ["Bonn"]


def test_finder_keeps_the_choice_in_the_form(client, peers):
    response = client.get(URL, {"challenge": ["a"], "region": "africa"})
    assertContains(response, 'value="a" checked')
    assertContains(response, '<option value="africa" selected>')


def test_finder_shows_the_choice_as_chips_that_remove_one_value(client, peers):
    response = client.get(URL, {"challenge": ["a", "b"], "region": "africa"})
    assertContains(response, "Challenge: Challenge A")
    assertContains(response, 'href="?challenge=b&amp;region=africa"')
    assertContains(response, "Region: Africa")
    assertContains(response, 'href="?challenge=a&amp;challenge=b"')


def test_finder_folds_the_questions_once_answered(client, peers):
    assertContains(client.get(URL), '<details class="fold filter-panel" open>')
    response = client.get(URL, {"challenge": ["a", "b"]})
    assertContains(response, "<summary>Your challenges (2)</summary>", html=True)
    assertNotContains(response, '<details class="fold filter-panel" open>')


def test_finder_ignores_unknown_challenges_with_a_message(client, peers):
    response = client.get(URL, {"challenge": ["a", "nope"]})
    assertContains(response, "Not found, so left out: nope.")
    assert len(response.context["peers"]) == 3


@pytest.mark.parametrize("count", [2, 50])
def test_finder_query_count_does_not_grow(client, django_assert_num_queries, count):
    challenge = make_challenge(slug="shared")
    for _ in range(count):
        city = make_city()
        make_practice(challenges=[challenge], cities=[city])
        make_event(challenges=[challenge, make_challenge()], cities=[city])
    catalogue_index()  # built by an earlier reader (tests/test_catalogue.py)
    # cities for "My city is", chosen challenges, themes, their challenges, peer cities, their
    # events, the practices their cards name (who faces what, and what each did, presented or
    # heard: the catalogue index; 10 queries before issue 13).
    with django_assert_num_queries(7):
        client.get(URL, {"challenge": "shared"})


@pytest.mark.parametrize("count", [2, 50])
def test_finder_from_my_city_query_count_does_not_grow(client, django_assert_num_queries, count):
    challenge = make_challenge(slug="shared")
    mine = make_city(slug="mine")
    make_event(challenges=[challenge], cities=[mine])
    for _ in range(count):
        city = make_city()
        make_practice(challenges=[challenge], cities=[city])
        event = make_event(challenges=[challenge], cities=[city])
        make_practice(challenges=[challenge], events=[event])
    catalogue_index()
    # As above: my city's own challenges, in place of the ticked ones, come from the catalogue
    # index (11 queries before issue 13).
    with django_assert_num_queries(7):
        client.get(URL, {"city": "mine"})


# --- Starting from my city (issue 17) ---------------------------------------------------------


def peer_lines(response):
    """{peer name: {shared challenge name: [(verb, record title)]}} as the cards say them."""
    return {
        city.name: {
            item.challenge.name: [(e.verb, e.record.title) for e in item.shown]
            for item in city.shared
        }
        for city in response.context["peers"]
    }


def test_my_city_ticks_the_challenges_it_raised_or_addressed(client, peers):
    response = client.get(URL, {"city": "nairobi"})
    assert [challenge.slug for challenge in response.context["chosen"]] == ["a", "b", "c"]
    assertContains(response, 'value="c" checked')
    assertContains(response, "Ticked for you: the challenges Nairobi raised at events")
    assertContains(response, '<option value="nairobi" selected>', count=1)


def test_my_city_is_never_its_own_peer(client, peers):
    response = client.get(URL, {"city": "nairobi", "challenge": ["a", "b"]})
    assert [city.name for city in response.context["peers"]] == ["Kampala", "Bonn"]
    assert "Nairobi" not in peer_lines(client.get(URL, {"city": "nairobi"}))


def test_ticked_challenges_replace_those_of_my_city(client, peers):
    response = client.get(URL, {"city": "nairobi", "challenge": "c"})
    assert [challenge.slug for challenge in response.context["chosen"]] == ["c"]
    assertNotContains(response, "Ticked for you")
    assertContains(response, '<input type="hidden" name="city" value="nairobi">', html=True)


def test_each_card_names_the_shared_challenges_and_what_the_peer_did(client, peers):
    response = client.get(URL, {"city": "nairobi"})
    assert peer_lines(response) == {
        "Kampala": {
            "Challenge A": [("did", "Kampala does A")],
            "Challenge B": [("did", "Kampala does B")],
        },
        "Bonn": {"Challenge A": [("did", "Bonn does A")]},
    }
    assertContains(response, "<strong>Challenge B</strong>: did", html=False)


def test_a_peer_that_heard_a_practice_at_an_event_says_so_and_where(client, peers):
    """Kampala took part in a summit on C2 where advice on it was voiced."""
    c2 = make_challenge(name="Challenge C2", slug="c2")
    kampala = City.objects.get(slug="kampala")
    summit = make_event(title="Water summit", challenges=[c2], cities=[kampala])
    make_practice(
        title="Share the pumps", kind=Kind.RECOMMENDATION, challenges=[c2], events=[summit]
    )
    make_event(title="Talk on C2", challenges=[c2], cities=[peers])
    response = client.get(URL, {"city": "nairobi", "challenge": "c2"})
    assert peer_lines(response) == {"Kampala": {"Challenge C2": [("heard", "Share the pumps")]}}
    assertContains(response, "heard at <cite>Water summit</cite>: <a href=")
    assertNotContains(response, "no practice")


def test_a_peer_that_only_raised_a_challenge_says_where(client, peers):
    response = client.get(URL, {"challenge": "c"})
    assert peer_lines(response) == {"Nairobi": {"Challenge C": [("raised", "Talk on C")]}}
    assertContains(response, "raised it at <cite>Talk on C</cite>")
    assertNotContains(response, "no practice")


def test_a_presented_practice_is_worded_as_presented(client, peers):
    PracticeCity.objects.filter(goodpractice__title="Bonn does A").update(role=CityRole.PRESENTED)
    response = client.get(URL, {"city": "nairobi", "challenge": "a"})
    assert peer_lines(response)["Bonn"] == {"Challenge A": [("presented", "Bonn does A")]}
    assertContains(response, "presented <a href=")


def test_a_practice_heard_by_two_peers_is_linked_once(client, peers):
    kampala, bonn = City.objects.get(slug="kampala"), City.objects.get(slug="bonn")
    d = make_challenge(name="Challenge E", slug="e")
    summit = make_event(title="Summit", challenges=[d], cities=[kampala, bonn])
    shared = make_practice(title="Shared advice", challenges=[d], events=[summit])
    response = client.get(URL, {"challenge": "e"})
    assert [city.name for city in response.context["peers"]] == ["Bonn", "Kampala"]
    assertContains(response, f'href="{shared.get_absolute_url()}"', count=1)
    assertContains(response, "heard at <cite>Summit</cite>: “Shared advice”")


def test_an_unknown_city_is_named_in_a_message(client, peers):
    response = client.get(URL, {"city": "atlantis", "challenge": "a"})
    assert response.status_code == 200
    assertContains(response, "CityLearn has no city “atlantis”: choose yours from the list.")
    assert len(response.context["peers"]) == 3


def test_a_city_without_challenges_is_asked_to_tick_them(client, peers):
    make_city(name="Quiet", slug="quiet")
    response = client.get(URL, {"city": "quiet"})
    assertContains(response, "CityLearn has no challenge on record for Quiet yet")


def test_the_city_page_says_what_each_peer_did_about_the_shared_challenges(client, peers):
    response = client.get(peers.get_absolute_url())
    assertContains(response, "<strong>Challenge B</strong>: did “Kampala does B”.", html=False)
    assertContains(response, 'href="/peers/?city=nairobi#answer"')


def test_no_card_on_the_seed_claims_no_practice_where_one_was_done_or_heard(client):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)
    for city in City.objects.all():
        finder = client.get(URL, {"city": city.slug})
        city_page = client.get(city.get_absolute_url())
        assertNotContains(finder, "no practice")
        # The city page's top peers follow the same logic as the finder's cards.
        top = [peer.pk for peer in city_page.context["peers"]]
        assert top == [peer.pk for peer in finder.context["peers"]][: len(top)]
        for peer in [*finder.context["peers"], *city_page.context["peers"]]:
            assert peer.pk != city.pk
            for item in peer.shared:
                heard_or_done = [e for e in item.shown if e.verb != "raised"]
                has_evidence = _has_practice_evidence(peer, item.challenge)
                assert bool(heard_or_done) == has_evidence, (city, peer, item.challenge)


def _has_practice_evidence(city, challenge):
    """Straight from the tables: a published practice on the challenge that the city did or
    presented, or that was shared at a published event it took part in."""
    practices = challenge.practices.published()
    own = PracticeCity.objects.own().filter(city=city, goodpractice__in=practices).exists()
    heard = practices.filter(events__status=Status.PUBLISHED, events__city_links__city=city)
    return own or heard.exists()


def test_a_card_tells_about_a_few_shared_challenges_and_names_the_others(client, peers):
    """Kampala did something about E1..E5 and only raised F at an event: the card tells about
    what it did first, by name, and names the rest (issue 13: 23 lines a card at tier L)."""
    kampala = City.objects.get(slug="kampala")
    extra = [make_challenge(name=f"Challenge E{n}", slug=f"e{n}") for n in range(1, 6)]
    for challenge in extra:
        make_practice(
            title=f"Kampala does {challenge.slug}", challenges=[challenge], cities=[kampala]
        )
    f = make_challenge(name="Challenge F", slug="f")
    make_event(title="Talk on F", challenges=[f], cities=[kampala])
    slugs = ["f", *(challenge.slug for challenge in extra)]
    response = client.get(URL, {"challenge": slugs})
    (card,) = response.context["peers"]
    told = [item.challenge.name for item in card.shared]
    assert told == [f"Challenge E{n}" for n in range(1, PEER_CHALLENGES_SHOWN + 1)]
    named = [f"Challenge E{n}" for n in range(PEER_CHALLENGES_SHOWN + 1, 6)] + ["Challenge F"]
    assert [challenge.name for challenge in card.also_shared] == named
    assertContains(response, f"Also shares: {', '.join(named)}.")
    in_french = client.get(f"/fr{URL}", {"challenge": slugs})
    assertContains(in_french, 'Partage aussi : <span lang="en">Challenge E5</span>, ')


def test_my_city_lists_the_public_cities(client):
    """The finder's list reads cities its own way (cases.selectors.city_options): the same
    cities as City.objects.public(), whatever names them."""
    city = {name: make_city(name=name) for name in "ABCDEFGHIJ"}
    make_practice(cities=[city["A"]])
    make_practice(cities=[city["B"]], status=Status.ARCHIVED)
    make_practice(cities=[city["C"]], status=Status.DRAFT)  # hidden
    make_practice(cities=[city["D"]], status=Status.DRAFT)
    make_event(cities=[city["D"]])
    make_event(cities=[city["E"]], status=Status.IN_REVIEW)  # hidden
    make_event(host_city=city["F"], status=Status.DRAFT)  # hidden
    make_event(host_city=city["G"])
    make_practice(cities=[city["H"]], status=Status.DRAFT)
    make_practice(cities=[city["H"]])
    # I is named by nothing (the gazetteer); J by a draft at an event it hosts, and an
    # archived practice.
    make_event(host_city=city["J"], status=Status.DRAFT)
    make_practice(cities=[city["J"]], status=Status.ARCHIVED)
    public = list(City.objects.public().order_by("name").values_list("name", flat=True))
    assert public == ["A", "B", "D", "G", "H", "I", "J"]
    assert [option.name for option in city_options()] == public
    response = client.get(URL)
    assert [option.name for option in response.context["cities"]] == public


HOSTILE = '<script>alert("x")</script> & “quotes”'


def test_hostile_names_stay_text_in_cards_the_city_list_and_shared_challenges(client):
    """Cards, the "My city is" list and the named shared challenges are written in Python
    (cases/templatetags): every name from a record is escaped."""
    city = make_city(name=f"City {HOSTILE}", country=make_country(name=f"Land {HOSTILE}"))
    challenges = [make_challenge(name=f"{n} {HOSTILE}", slug=f"c{n}") for n in range(6)]
    make_practice(
        title=f"Title {HOSTILE}",
        summary=f"Summary {HOSTILE}",
        challenges=challenges,
        cities=[city],
        tags=[f"tag {HOSTILE}"],
    )
    pages = [
        client.get(city.get_absolute_url()),
        client.get(URL, {"challenge": [challenge.slug for challenge in challenges]}),
        client.get(f"/fr{URL}", {"challenge": [challenge.slug for challenge in challenges]}),
        client.get(reverse("cases:practice-list")),
    ]
    for response in pages:
        assertNotContains(response, "<script>alert")
        assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;")
    finder = pages[1]
    assertContains(finder, '">City &lt;script&gt;alert(&quot;x&quot;)')
    assert len(finder.context["peers"][0].also_shared) == 6 - PEER_CHALLENGES_SHOWN
