from django.utils.translation import gettext, gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


def _positive_integer(request, name, default):
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: [gettext("A whole number from 1 up, not %r.") % raw]})
    return int(raw)


class StrictPagination(PageNumberPagination):
    """Pages of 20 (page_size up to 100); a page size or number out of range is a 400."""

    page_size = 20
    page_size_query_param = "page_size"
    # The API documentation page shows these in the reader's language.
    page_query_description = gettext_lazy("A page number within the paginated result set.")
    page_size_query_description = gettext_lazy("Number of results to return per page.")
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = _positive_integer(request, self.page_size_query_param, self.page_size)
        if page_size > self.max_page_size:
            message = gettext("At most %(max)d records a page.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        number = _positive_integer(request, self.page_query_param, 1)
        paginator = self.django_paginator_class(queryset, page_size)
        if number > paginator.num_pages:
            message = gettext("There is no page %(number)d: the last is %(last)d.") % {
                "number": number,
                "last": paginator.num_pages,
            }
            raise ValidationError({self.page_query_param: [message]})
        self.page = paginator.page(number)
        return list(self.page)
