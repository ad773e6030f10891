from django.contrib import admin
from django.db.models import Count

from .models import Challenge, Theme


class ChallengeInline(admin.TabularInline):
    model = Challenge
    fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "challenge_count"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ChallengeInline]

    def get_queryset(self, request):
        themes = super().get_queryset(request)
        return themes.annotate(challenge_count=Count("challenges")).order_by("position", "name")

    @admin.display(description="challenges", ordering="challenge_count")
    def challenge_count(self, theme):
        return theme.challenge_count


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "slug"]
    list_filter = ["theme"]
    list_select_related = ["theme"]
    search_fields = ["name", "slug", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["theme"]
