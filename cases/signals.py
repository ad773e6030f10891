"""Keep the practices' stored search columns in step when a name they include changes.

Search reads only the stored columns, and those copy the names of a practice's challenges,
themes, cities, countries, events and tags. Renames are rare and happen mostly in the admin;
these receivers refresh just the practices that carry the renamed name.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag

from challenges.models import Challenge, Theme

from .caching import bump_catalogue_version
from .models import City, Country, Event, GoodPractice
from .search import practice_refresh_search

PRACTICES_OF = {
    Challenge: "challenges",
    Theme: "challenges__theme",
    City: "cities",
    Country: "cities__country",
    Event: "events",
    Tag: "tagged_items__tag",
}


@receiver(post_save)
def refresh_search_after_rename(sender, instance, raw=False, created=False, **kwargs):
    # Fixture loads (raw) are followed by a full refresh in the seed command; a new row
    # is not yet linked to any practice.
    lookup = PRACTICES_OF.get(sender)
    if lookup is None or raw or created:
        return
    practice_ids = GoodPractice.objects.filter(**{lookup: instance}).values_list("pk", flat=True)
    practice_refresh_search(practice_ids=list(practice_ids))


CATALOGUE_APPS = {"cases", "challenges", "taggit"}


def _bump_after_catalogue_write(sender, **kwargs):
    # Covers the services, the admin, fixtures and renames alike. Bulk writes (update(),
    # bulk_create) send no signal: whoever uses them calls bump_catalogue_version().
    if sender._meta.app_label in CATALOGUE_APPS:
        bump_catalogue_version()


post_save.connect(_bump_after_catalogue_write, dispatch_uid="catalogue-version-save")
post_delete.connect(_bump_after_catalogue_write, dispatch_uid="catalogue-version-delete")
m2m_changed.connect(_bump_after_catalogue_write, dispatch_uid="catalogue-version-m2m")
