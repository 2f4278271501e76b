"""What every API view shares: ids from the URL, one error shape for the services' errors,
and the API's 404 for a URL no route matches."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import Conflict, NotAllowed
from .middleware import api_error, is_api

# Ids above this are no row of ours (BigAutoField).
MAX_ID = 2**63 - 1


def object_id(value) -> int:
    """A row id from the URL; Http404 for anything that cannot be one."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


def exception_handler(exc, context):
    """One error shape for the API: DRF's `{field: [messages]}` for bad input, and
    `{"detail": message}` with 403/404/409 for refused, missing and conflicting requests."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
            data = {("non_field_errors" if k == "__all__" else k): v for k, v in data.items()}
        else:
            data = {"non_field_errors": [str(m) for m in exc.messages]}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, APIException):  # pragma: no cover - DRF handles
        return Response({"detail": str(exc)}, status=exc.status_code)
    return response


def page_not_found(request, exception):
    """`handler404`: a URL under /api/ that no route matches (e.g. `/api/v1/approvals/0.5/`)
    gets the API's error shape; pages get the 404 page."""
    if is_api(request):
        return api_error({"detail": _("Not found.")}, 404)
    return defaults.page_not_found(request, exception)
