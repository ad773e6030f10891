from django.contrib import admin
from django.db.models import Count
from reversion.admin import VersionAdmin

from .models import Challenge, Theme


class RelatedCountsAdmin(admin.ModelAdmin):
    """A list with counts of related rows, counted in the list's own query so they sort.

    `related_counts` maps each count's name to the relation it counts.
    """

    related_counts: dict[str, str] = {}

    def get_queryset(self, request):
        # Distinct: a city may be on a practice twice (it did it and presented it), and two
        # counts in one query would multiply each other's rows.
        counts = {
            name: Count(relation, distinct=True) for name, relation in self.related_counts.items()
        }
        rows = super().get_queryset(request).annotate(**counts)
        # An explicit order: annotating with GROUP BY drops the default one (autocomplete pages).
        return rows.order_by(*(self.opts.ordering or ["name"]))


@admin.register(Challenge)
class ChallengeAdmin(VersionAdmin):
    # Every version of a challenge is kept: History lists and restores them (django-reversion).
    list_display = ["name", "theme", "slug"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["name", "slug", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["theme"]


class ChallengeInline(admin.TabularInline):
    model = Challenge
    fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(RelatedCountsAdmin):
    list_display = ["name", "position", "challenge_count"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ChallengeInline]
    related_counts = {"challenge_count": "challenges"}

    @admin.display(description="challenges", ordering="challenge_count")
    def challenge_count(self, theme):
        return theme.challenge_count
