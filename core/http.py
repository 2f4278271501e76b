"""Small pieces every app's views share."""

import re
from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def attachment(
    content: bytes, content_type: str, filename: str, ascii_name: str | None = None
) -> HttpResponse:
    """`content` as a download named `filename` (RFC 6266's filename*, for every current
    browser), with `ascii_name` for the old browsers some offices still run in compatibility
    mode, which read only the plain filename (by default `filename` less its Chinese)."""
    response = HttpResponse(content, content_type=content_type)
    if ascii_name is None:
        ascii_name = re.sub(r"[^\x21-\x7e]+", "", filename).lstrip("-_.") or "download"
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def stored_download(upload) -> FileResponse:
    """A stored upload (a case document, a petition's attachment) as a download under the name
    and type it was uploaded with."""
    return FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
