"""Refuse an oversized request body before anything reads it.

DRF's parsers read the whole stream of a JSON or form body (Django's own
DATA_UPLOAD_MAX_MEMORY_SIZE check applies only to `request.body` and `request.POST`), so a
100 MB POST to the token endpoint was read and parsed in full. This middleware comes before
anything in MIDDLEWARE that reads a body: a non-multipart body whose Content-Length is over
API_MAX_BODY_BYTES is answered 413 at once (JSON under /api/, a short page elsewhere). A
chunked body (no Content-Length) is read up to the limit and no further: over it, 413; within
it, the request goes on with that body. Multipart uploads keep their own limits
(DATA_UPLOAD_MAX_MEMORY_SIZE for the fields, ATTACHMENT_MAX_BYTES per file)."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = _("The request body is too large (at most %(size)s bytes).") % {"size": limit}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in BODY_METHODS:
            return None
        if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            return None
        limit = settings.API_MAX_BODY_BYTES
        length = _declared_length(request)
        if length is not None:
            return _too_large(request, limit) if length > limit else None
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        stream = request.META.get("wsgi.input")
        if not chunked or stream is None or not request.META.get("wsgi.input_terminated"):
            # No length and no terminated stream: Django reads no body at all.
            return None
        # Read one byte past the limit, never more.
        body = stream.read(limit + 1)
        if len(body) > limit:
            return _too_large(request, limit)
        request.META["CONTENT_LENGTH"] = str(len(body))
        # A LimitedStream, as Django's WSGIRequest puts there (the stubs say BinaryIO).
        request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[assignment]
        return None
