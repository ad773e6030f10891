import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Addresses under /challenges/ that are pages of their own, not challenges.
RESERVED_SLUGS = {"open"}


class SlugManager(models.Manager):
    """Fixtures refer to rows by slug (natural keys), never by database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugKeyedModel(models.Model):
    """A model whose rows fixtures name by their slug (natural keys), never by database id.

    Subclasses declare the `slug` field, and a `name` or their own `__str__`. dumpdata already
    orders models by their foreign keys, so the natural key needs no `dependencies` of its own.
    """

    objects = SlugManager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Theme(SlugKeyedModel):
    """A broad area that groups related challenges, such as finance or data and technology."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Themes are listed in ascending order of this number."),
        verbose_name=_("position"),
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "name"]


class Challenge(SlugKeyedModel):
    """A problem cities share, from the controlled vocabulary practices are filed under."""

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="challenges", verbose_name=_("theme")
    )
    name = models.CharField(max_length=150, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=150, unique=True, verbose_name=_("slug"))
    definition = models.TextField(
        help_text=_("What the challenge means, in plain language."), verbose_name=_("definition")
    )

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("challenges:challenge-detail", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            message = _("“%(slug)s” is the address of another page: choose another slug.")
            raise ValidationError({"slug": message % {"slug": self.slug}})


# History (django-reversion): every change to a challenge is kept as a version.
reversion.register(Challenge)
