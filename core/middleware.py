"""Middleware that is about HTTP, not about users: the interface language and NUL bytes in
the URL."""

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.translation import gettext as _


class ChineseByDefaultMiddleware:
    """The interface is Simplified Chinese unless the user picked another language with the
    switch (language cookie): the browser's Accept-Language is not consulted, because the
    offices' machines often run with English system locales."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NulByteMiddleware:
    """Refuse a NUL byte in the URL before any view sees it (PostgreSQL cannot store or compare
    one: a lookup with it would be a 500): in the path 404 (no such page or object); in the
    query string 400, in the API on the parameter (`{"month": ["..."]}`, as a filter's own
    error). Bodies are left to the fields that read them, for a field error: Django's form
    CharFields and DRF's CharField refuse NUL, codes in the API go through
    `core.api_input.SlugRelatedField`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            if is_api(request):
                return api_error({"detail": _("Not found.")}, 404)
            raise Http404(_("Not found."))
        if fields := nul_fields(request.GET):
            if is_api(request):
                return api_error({field: [nul_message()] for field in fields}, 400)
            raise BadRequest(nul_message())
        return self.get_response(request)


def nul_message() -> str:
    return _("Null characters are not allowed.")


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def nul_fields(data) -> list[str]:
    """The names of the parameters of `data` (a QueryDict) with a NUL byte in their name or
    value (`non_field_errors` for a name)."""
    fields = []
    for key, values in data.lists():
        if "\x00" in key:
            fields.append("non_field_errors")
        elif any("\x00" in value for value in values):
            fields.append(key)
    return fields


def api_error(data: dict, status: int):
    """An API error answer outside a view, rendered as DRF renders one."""
    from rest_framework.renderers import JSONRenderer
    from rest_framework.response import Response

    response = Response(data, status=status)
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}  # type: ignore[attr-defined]  # set by APIView; not in the stubs
    return response.render()
