from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

# JSON answers in readable UTF-8, as DRF renders them.
UTF8 = {"ensure_ascii": False}


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
    one: a lookup with it would be a 500): in the path 404 (no such page or object), in the
    query string 400; and in a page's form fields 400 (the API's bodies are checked by its
    fields, see `accounts.api_input`). The API answers in its error shape `{"detail": ...}`."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return self.refuse(request, 404, _("Not found."))
        if has_nul(request.GET):
            return self.refuse(request, 400, _("Null characters are not allowed."))
        if (
            not is_api(request)
            and request.method == "POST"
            and request.content_type in self.FORM_TYPES
            and has_nul(request.POST)
        ):
            return self.refuse(request, 400, _("Null characters are not allowed."))
        return self.get_response(request)

    @staticmethod
    def refuse(request, status: int, message: str):
        if is_api(request):
            return JsonResponse({"detail": str(message)}, status=status, json_dumps_params=UTF8)
        if status == 404:
            raise Http404(message)
        raise BadRequest(message)


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())
