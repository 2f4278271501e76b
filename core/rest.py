"""What every API view shares: ids from the URL, one error shape for the services' errors,
the API's 404 for a URL no route matches, and the view sets of the rows a caller sees with
the steps that post to a service (`ScopedViewSet`, `create_action`, `row_action`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import Conflict, NotAllowed
from .middleware import api_error, is_api
from .pages import found_or_404

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


# --- view sets of the rows a caller sees, and the steps that post to a service ---------------


# An input whose `date` (declared by the subclass: the day it happened, for a paper record
# entered later) the service takes as `on`. (A comment: the schema would take a docstring for
# every subclass's description.)
class BackEntryInput(serializers.Serializer):
    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data["on"] = data.pop("date", None)
        return data


# A list and one row of what the caller sees. A view set names its `model`, the selector that
# finds one row for the caller (`find_row`, called with `user` and `pk`; it raises the model's
# DoesNotExist outside the caller's scope), the rows it lists (`visible_rows`, given the list's
# query parameters as `query_serializer` checks them) and, when it is not `serializer_class`,
# the serializer of its answers (`answer_serializer`). (A comment, not a docstring: the schema
# would take a docstring for every subclass's description.)
class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends: list = []
    model: type[models.Model]
    find_row: Callable[..., Any]
    answer_serializer: type[serializers.BaseSerializer] | None = None
    query_serializer: type[serializers.Serializer] | None = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.model._default_manager.none()
        wanted: dict = {}
        if self.query_serializer is not None:
            query = self.query_serializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            wanted = query.validated_data
        return self.visible_rows(wanted)

    def visible_rows(self, wanted: dict):
        raise NotImplementedError

    def get_object(self):
        pk = object_id(self.kwargs["pk"])
        return found_or_404(self.model, type(self).find_row, user=self.request.user, pk=pk)

    def parse(self, serializer_class: type[serializers.Serializer]) -> dict:
        """The request's data checked by `serializer_class`, as the service's keyword arguments
        (its `service_kwargs()` where it has one); 400 with the errors otherwise."""
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        service_kwargs = getattr(serializer, "service_kwargs", None)
        return service_kwargs() if service_kwargs else dict(serializer.validated_data)

    def _answer(self, row: models.Model, code: int = status.HTTP_200_OK) -> Response:
        """`row` read afresh for the caller, as the answer."""
        fresh = type(self).find_row(user=self.request.user, pk=row.pk)
        serializer = self.answer_serializer or self.get_serializer_class()
        return Response(serializer(fresh, context=self.get_serializer_context()).data, code)


def create_action(
    summary: str,
    request_serializer: type[serializers.Serializer],
    service: Callable[..., models.Model],
    answer: type[serializers.BaseSerializer],
):
    """`POST` to the list: `service(actor=the caller, **input)`, answered with 201 and the row
    it made."""

    @extend_schema(summary=summary, request=request_serializer, responses={201: answer})
    def create(self: ScopedViewSet, request: Request) -> Response:
        row = service(actor=request.user, **self.parse(request_serializer))
        return self._answer(row, status.HTTP_201_CREATED)

    return create


def row_action(
    name: str,
    summary: str,
    request_serializer: type[serializers.Serializer] | None,
    service: Callable[..., Any],
    answer: type[serializers.BaseSerializer],
    *,
    row: str,
):
    """`POST …/{id}/<name>/`: `service(actor=the caller, <row>=the row found, **input)` (no
    input without `request_serializer`), answered with the row as it now is."""

    def step(self: ScopedViewSet, request: Request, pk: str | None = None) -> Response:
        found = self.get_object()
        data = self.parse(request_serializer) if request_serializer is not None else {}
        service(actor=request.user, **{row: found}, **data)
        return self._answer(found)

    step.__name__ = name
    route = action(detail=True, methods=["post"])(step)
    return extend_schema(summary=summary, request=request_serializer, responses={200: answer})(
        route
    )
