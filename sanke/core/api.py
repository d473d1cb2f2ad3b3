"""What every API route shares: the errors its schema documents, and filters that never reject an id.

The API is read-only and scoped: a list shows what the caller may see, a detail answers 404 for anything else.
Its OpenAPI schema (drf-spectacular) says so for every operation — 401/403 without a valid session or token,
404 for an object or page that is not there for this caller — so clients and Schemathesis can rely on it.
A list filtered by an id the caller cannot see (or that does not exist) is simply empty: answering 400 for
one and 200 for the other would tell which ids exist in other counties.
"""

from __future__ import annotations

from django.forms import ModelChoiceField
from django.http import JsonResponse
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation

ERROR_BODY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = {
    "400": "A query parameter is malformed (the body names it).",
    "401": "Not signed in (no valid session or token).",
    "403": "Signed in, but this role may not use the API route.",
    "404": "No such object or page for this caller.",
}
ERROR_400_BODY = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_BODY
    schemas["ParameterErrors"] = ERROR_400_BODY
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            for status, description in ERRORS.items():
                if status == "400" and not has_query:
                    continue
                body = "ParameterErrors" if status == "400" else "Error"
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
                    },
                )
    return result


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, except that a well-formed id naming nothing the caller can see gives an empty list.

    A malformed value (``school=abc``, an unknown ``level``) is still a 400 that says which parameter."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if filterset.is_valid():
            return filterset.qs
        if all(self._unknown_id(filterset, name) for name in filterset.errors):
            return queryset.none()
        raise translate_validation(filterset.errors)

    @staticmethod
    def _unknown_id(filterset, name: str) -> bool:
        field = filterset.form.fields.get(name)
        values = filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else []
        return (
            isinstance(field, ModelChoiceField)
            and bool(values)
            and all(v.removeprefix("-").isascii() and v.removeprefix("-").isdigit() for v in values)
        )


class ApiNotFoundAsJsonMiddleware:
    """A path under ``/api/`` that matches no route answers JSON like every other API error, not the
    HTML "not found" page (a client parsing JSON, and the schema, expect ``{"detail": …}``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse({"detail": gettext("Not found.")}, status=404)
        return response
