from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import GoodPractice, Status

from .factories import make_city, make_country, make_event, make_practice

pytestmark = pytest.mark.django_db


def test_practice_slugs_are_unique():
    make_practice(slug="open-source")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_practice(slug="open-source")


def test_a_published_practice_needs_a_summary():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_practice(summary="")


def test_a_draft_practice_may_have_only_a_title():
    practice = make_practice(summary="", status=Status.DRAFT, challenges=[])
    assert GoodPractice.objects.get(pk=practice.pk).title


def test_a_published_practice_needs_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_practice(published_at=None)


def test_an_event_cannot_end_before_it_starts_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(starts_on="2024-02-13", ends_on="2024-02-12")


def test_an_event_cannot_end_before_it_starts_in_validation():
    event = make_event(starts_on=date(2024, 2, 13))
    event.ends_on = date(2024, 2, 12)
    with pytest.raises(ValidationError, match="cannot end before"):
        event.full_clean()


def test_city_names_are_unique_within_a_country():
    country = make_country()
    make_city(name="Wote", slug="wote", country=country)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(name="Wote", slug="wote-2", country=country)


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(91, 0), (0, 181), (-1.28, None), (None, 36.8)]
)
def test_city_coordinates_must_be_valid_and_paired(latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(latitude=latitude, longitude=longitude)


def test_city_coordinates_in_range_are_accepted():
    city = make_city(latitude=-1.28333, longitude=36.81667)
    assert city.latitude is not None


def test_natural_keys_are_slugs():
    practice = make_practice(slug="peer-networks")
    assert practice.natural_key() == ("peer-networks",)
    assert GoodPractice.objects.get_by_natural_key("peer-networks") == practice


def test_published_excludes_drafts_review_and_archived():
    published = make_practice()
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED):
        make_practice(status=status)
    assert list(GoodPractice.objects.published()) == [published]


def test_event_is_multi_day_only_when_it_ends_on_another_day():
    assert make_event(starts_on="2024-02-12", ends_on="2024-02-13").is_multi_day
    assert not make_event(starts_on="2024-02-13", ends_on="2024-02-13").is_multi_day
    assert not make_event(starts_on=None).is_multi_day
