from functools import cache

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from cases.caching import cache_public_page
from cases.catalogue import CatalogueQuery

from .exports import LICENCE_NOTE, LICENCE_URL, citation, csv_chunks, json_chunks
from .selectors import catalogue_link_params, export_rows
from .sitemaps import SITEMAPS


def _export(request, chunks, content_type, extension):
    catalogue = CatalogueQuery.from_get(request.GET, named_by_index=False)
    base_url = f"{request.scheme}://{get_current_site(request).domain}"
    params = catalogue_link_params(catalogue.params, keep_sort=True)
    address = base_url + reverse("cases:practice-list") + (f"?{params}" if params else "")
    response = StreamingHttpResponse(
        chunks(export_rows(catalogue), base_url, address=address), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="citylearn-practices.{extension}"'
    return response


def practice_export_csv(request):
    return _export(
        request,
        lambda rows, base_url, address: csv_chunks(rows, base_url),
        "text/csv; charset=utf-8",
        "csv",
    )


def practice_export_json(request):
    return _export(request, json_chunks, "application/json", "json")


# Rendered before they are cached: the page cache keeps whole responses.
@cache_public_page
def sitemap_index(request):
    sitemap_url_name = "data:sitemap-section"
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name=sitemap_url_name).render()


@cache_public_page
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, SITEMAPS, section=section).render()


@cache_public_page
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("data:sitemap-index"))
    return render(
        request,
        "opendata/robots.txt",
        {
            "sitemap_url": sitemap_url,
            # Every language's private pages: English at the root, the others under /fr/, /pt/.
            "language_prefixes": [
                "" if code == settings.LANGUAGE_CODE else f"/{code}"
                for code, _name in settings.LANGUAGES
            ],
        },
        content_type="text/plain; charset=utf-8",
    )


@cache
def openapi_schema(language=None):
    """The API's OpenAPI schema, built once per process and language from the views and
    serializers: its descriptions are in `language` (the active one when not given)."""
    with translation.override(language or translation.get_language()):
        return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    reference = node.get("$ref")
    if reference:
        return schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    return node


def _type_of(schema, node):
    """A short, readable type for the documentation: "string (uri)", "array of Challenge"."""
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if "allOf" in node:
        return " or ".join(_type_of(schema, part) for part in node["allOf"])
    if "oneOf" in node:
        return " or ".join(_type_of(schema, part) for part in node["oneOf"])
    kind = node.get("type", "object")
    if kind == "array":
        return f"array of {_type_of(schema, node.get('items', {}))}"
    if isinstance(kind, list):
        kind = " or ".join(kind)
    return f"{kind} ({node['format']})" if "format" in node else kind


def api_reference():
    """The schema as the documentation page lists it, in the reader's language."""
    return _api_reference(translation.get_language())


@cache
def _api_reference(language):
    """The schema as the documentation page lists it: endpoints, then record types."""
    schema = openapi_schema(language)
    endpoints = []
    for path, methods in schema["paths"].items():
        operation = methods["get"]
        response = operation["responses"]["200"]["content"]["application/json"]["schema"]
        is_list = operation["operationId"].endswith("_list")
        results = _resolve(schema, response)["properties"]["results"] if is_list else None
        endpoints.append(
            {
                "path": path,
                "anchor": operation["operationId"],
                "summary": operation.get("summary", ""),
                "is_list": is_list,
                # What a list holds in `results`, or what a detail answers.
                "record": _type_of(schema, results["items"] if results else response),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "where": parameter["in"],
                        "type": _type_of(schema, parameter.get("schema", {})),
                        "description": parameter.get("description", ""),
                    }
                    for parameter in operation.get("parameters", [])
                ],
            }
        )
    records = [
        {
            "name": name,
            "fields": [
                {
                    "name": field,
                    "type": _type_of(schema, definition),
                    "description": definition.get("description", ""),
                    "nullable": definition.get("nullable", False),
                }
                for field, definition in component.get("properties", {}).items()
            ],
        }
        for name, component in schema["components"]["schemas"].items()
        if not name.startswith("Paginated") and "properties" in component
    ]
    return {"endpoints": endpoints, "records": records}


@cache_public_page
def api_docs(request):
    context = {
        **api_reference(),
        "rate_limit": settings.API_RATE_LIMIT,
        "licence_note": LICENCE_NOTE,
        "licence_url": LICENCE_URL,
        "citation": citation(request.build_absolute_uri(reverse("api:api-root"))),
    }
    return render(request, "opendata/api_docs.html", context)
