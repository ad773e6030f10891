from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string

# The site is HTML pages and forms: nothing reads or writes with PUT, PATCH or DELETE.
ALLOWED_METHODS = ["GET", "HEAD", "POST"]


def allowed_methods_only(get_response):
    def middleware(request):
        if request.method not in ALLOWED_METHODS:
            response = HttpResponseNotAllowed(ALLOWED_METHODS)
            response.content = render_to_string("405.html", request=request)
            return response
        return get_response(request)

    return middleware
