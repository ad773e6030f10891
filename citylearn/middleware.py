from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

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


def accept_language_redirect(get_response):
    """Send a reader who arrives on an English address from elsewhere to their own language.

    The language lives in the address (English plain, /fr/, /pt/), never in a cookie. On a first
    visit (a typed or shared address, a search result: no Referer from this site) to a page that
    exists in every language, a browser that prefers French or Portuguese to English is
    redirected to /fr/... or /pt/.... Within the site the Referer is ours, so a reader who follows
    the switcher's "English" link, or any link of an English page, stays in English.
    """

    def middleware(request):
        target = _preferred_address(request)
        if target:
            response = HttpResponseRedirect(target)
            patch_vary_headers(response, ["Accept-Language"])
            # Each reader's redirect is their own: no shared cache keeps it.
            add_never_cache_headers(response)
            return response
        return get_response(request)

    return middleware


def _preferred_address(request):
    if (
        request.method not in ("GET", "HEAD")
        or not is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]
    ):
        return None
    if translation.get_language_from_path(request.path_info) or _comes_from_this_site(request):
        return None
    preferred = _accepted_language(request)
    if preferred == settings.LANGUAGE_CODE:
        return None
    prefixed = f"/{preferred}{request.path_info}"
    # Only pages that exist in every language: not the API, the exports or robots.txt. (The
    # language prefix of the patterns matches only the active language.)
    with translation.override(preferred):
        if not is_valid_path(prefixed, settings.ROOT_URLCONF):
            return None
    query = request.META.get("QUERY_STRING", "")
    return get_script_prefix().rstrip("/") + prefixed + (f"?{query}" if query else "")


def _comes_from_this_site(request):
    referer = request.headers.get("Referer")
    return bool(referer) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}
    )


def _accepted_language(request):
    """The first language of Accept-Language that the site offers, English if none."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
