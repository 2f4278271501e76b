from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .access import PETITION_WORK_PREFIXES, can_read_audit_trail, refused_petition_work
from .context import reset_current_request, set_current_request
from .models import AuditAction
from .services import record

SPREADSHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
)


class AuditMiddleware:
    """Makes the request known to `audit.services.record` (for the signals' records), keeps an
    auditor out of the petition pages, and records every download: a response that is an
    attachment (documents, exports, attachments; pages and API alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current_request(request)
        try:
            refused = self._refuse(request)
            if refused is not None:
                return refused
            response = self.get_response(request)
            self._record_download(request, response)
            return response
        finally:
            reset_current_request(token)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse | None:
        home = request.path == "/"
        if not (home or request.path.startswith(PETITION_WORK_PREFIXES)):
            return None  # decided without reading the user's roles
        user = getattr(request, "user", None)
        if user is None or not refused_petition_work(user):
            return None
        if home and can_read_audit_trail(user):
            return redirect("audit:list")
        if not home:
            raise PermissionDenied
        return None

    @staticmethod
    def _record_download(request: HttpRequest, response: HttpResponse) -> None:
        disposition = response.get("Content-Disposition", "")
        if response.status_code != 200 or not disposition.startswith("attachment"):
            return
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if getattr(response, "audit_recorded", False):
            return
        action = (
            AuditAction.EXPORT
            if content_type in SPREADSHEET_TYPES
            else AuditAction.DOCUMENT_DOWNLOAD
        )
        record(
            action,
            request=request,
            content_type=content_type,
            filename=_filename(disposition),
            query=request.META.get("QUERY_STRING", "")[:300],
        )


def _filename(disposition: str) -> str:
    from urllib.parse import unquote

    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*":
            return unquote(value.split("''", 1)[-1])[:200]
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename":
            return value.strip('"')[:200]
    return ""
