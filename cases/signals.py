"""Keep what search stores of the practices in step when a name it includes changes.

Search reads only what cases.search stored (a tsvector on PostgreSQL, an FTS5 row on SQLite),
and that copies the names of a practice's challenges, themes, cities, countries, events and
tags. Renames are rare and happen mostly in the admin; these receivers refresh just the
practices that carry the renamed name. A deleted practice takes what search stored with it
(on SQLite, a database trigger deletes its FTS5 row).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
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


def refresh_search_after_rename(sender, instance, raw=False, created=False, **kwargs):
    # Fixture loads (raw) are followed by a refresh in the seed command; a new row is not yet
    # linked to any practice.
    if raw or created:
        return
    lookup = PRACTICES_OF[sender]
    practice_ids = GoodPractice.objects.filter(**{lookup: instance}).values_list("pk", flat=True)
    practice_refresh_search(practice_ids=list(practice_ids))


for model in PRACTICES_OF:
    post_save.connect(
        refresh_search_after_rename, sender=model, dispatch_uid=f"search-rename-{model.__name__}"
    )


CATALOGUE_APPS = {"cases", "challenges", "taggit"}


def _bump_after_catalogue_write(sender, **kwargs):
    # Covers the services, the admin, fixtures and renames alike. Bulk writes (update(),
    # bulk_create) send no signal: whoever uses them calls bump_catalogue_version().
    if sender._meta.app_label in CATALOGUE_APPS:
        bump_catalogue_version()


post_save.connect(_bump_after_catalogue_write, dispatch_uid="catalogue-version-save")
post_delete.connect(_bump_after_catalogue_write, dispatch_uid="catalogue-version-delete")
m2m_changed.connect(_bump_after_catalogue_write, dispatch_uid="catalogue-version-m2m")
