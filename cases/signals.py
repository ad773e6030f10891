"""Keep the catalogue's version and what search stores in step with writes, and no more.

The version (cases.caching): a save, a delete or a change of links of a catalogue model moves it
when the transaction commits, whether the write came from the services, the admin or a fixture.
Every receiver names its sender: one connected without a sender listens to every model of the
project, and Django then loads and signals each row of any cascade instead of deleting it in one
statement (its "fast deletes"). Link changes count once they are made (post_add, post_remove,
post_clear), never before. Bulk writes (update(), bulk_create, raw SQL) send no signal: whoever
uses them calls bump_catalogue_version().

Search (cases.search) copies the names of a practice's challenges, themes, cities, countries,
events and tags. Renames are rare and happen mostly in the admin: a save that changes a field
search copies refreshes just the practices that carry it; any other save refreshes nothing.
A deleted practice takes what search stored with it (on SQLite, a database trigger deletes its
FTS5 row).
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from taggit.models import Tag

from challenges.models import Challenge, Theme

from .caching import bump_catalogue_version
from .models import (
    CatalogueState,
    City,
    Country,
    Event,
    EventRedirect,
    GoodPractice,
    PracticeRedirect,
    SearchWord,
)
from .search import practice_refresh_search

# For each model whose names search copies: how a practice reaches it, and the fields copied
# (see cases.search._document). A foreign key stands for the name at its other end.
SEARCH_COPIES = {
    Challenge: ("challenges", ("name", "definition", "theme")),
    Theme: ("challenges__theme", ("name",)),
    City: ("cities", ("name", "country")),
    Country: ("cities__country", ("name",)),
    Event: ("events", ("title",)),
    Tag: ("tagged_items__tag", ("name",)),
}

CATALOGUE_APPS = ("cases", "challenges", "taggit")
# Written in bulk by search itself, and shown on no page.
NOT_CATALOGUE = {SearchWord, CatalogueState}
LINKS_CHANGED = {"post_add", "post_remove", "post_clear"}


def catalogue_models():
    """Every model of the catalogue's apps, the many-to-many tables Django makes included."""
    for label in CATALOGUE_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model not in NOT_CATALOGUE:
                yield model


def note_copied_changes(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a save: does it change a field search copies? One query, for an existing row."""
    instance._search_copies_changed = False
    if raw or instance._state.adding:
        # Fixture loads are followed by a refresh in the seed command; a new row is not yet
        # linked to any practice.
        return
    _, names = SEARCH_COPIES[sender]
    if update_fields is not None:
        names = [name for name in names if name in update_fields]
    columns = [sender._meta.get_field(name).attname for name in names]
    if not columns:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list(*columns).first()
    current = tuple(getattr(instance, column) for column in columns)
    instance._search_copies_changed = stored is not None and stored != current


def refresh_search_after_rename(sender, instance, **kwargs):
    if not getattr(instance, "_search_copies_changed", False):
        return
    instance._search_copies_changed = False
    lookup, _ = SEARCH_COPIES[sender]
    practice_ids = GoodPractice.objects.filter(**{lookup: instance}).values_list("pk", flat=True)
    practice_refresh_search(practice_ids=list(practice_ids))


# The record whose old addresses each redirect model keeps.
REDIRECTS = {GoodPractice: PracticeRedirect, Event: EventRedirect}


def keep_old_address(sender, instance, raw=False, **kwargs):
    """A practice or event whose slug changed (in the admin) keeps its old address, which
    answers 301 to the new one: a citation's permanent address stays good. Renamed back, the
    first address is the record's own again (the redirect would loop)."""
    old_slug = getattr(instance, "loaded_slug", None)
    if raw or not old_slug or old_slug == instance.slug:
        return
    redirects = REDIRECTS[sender]
    redirects.objects.update_or_create(
        old_slug=old_slug, defaults={redirects.record_field: instance}
    )
    redirects.objects.filter(old_slug=instance.slug).delete()
    instance.loaded_slug = instance.slug


def bump_after_save(sender, **kwargs):
    bump_catalogue_version()


def bump_after_delete(sender, origin=None, **kwargs):
    # One bump for everything a single delete() removes, however many rows that is.
    bump_catalogue_version(origin=origin)


def bump_after_links_changed(sender, action, **kwargs):
    if action in LINKS_CHANGED:
        bump_catalogue_version()


def connect():
    for model in SEARCH_COPIES:
        uid = f"search-copies-{model._meta.label_lower}"
        pre_save.connect(note_copied_changes, sender=model, dispatch_uid=uid)
        post_save.connect(refresh_search_after_rename, sender=model, dispatch_uid=uid)
    for model in REDIRECTS:
        uid = f"old-address-{model._meta.label_lower}"
        post_save.connect(keep_old_address, sender=model, dispatch_uid=uid)
    for model in catalogue_models():
        uid = f"catalogue-version-{model._meta.label_lower}"
        post_save.connect(bump_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(bump_after_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            uid = f"catalogue-links-{through._meta.label_lower}"
            m2m_changed.connect(bump_after_links_changed, sender=through, dispatch_uid=uid)


connect()
