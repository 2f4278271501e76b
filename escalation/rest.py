"""What the API view sets of escalation's features share, and reception's with them (reception
is on the floor above): the rows a selector shows the caller, one of them by id (404 outside
the caller's scope), and the steps that post to a service (`create_action`, `row_action`),
their input checked once and their answer the row as it now is. They build on `core.rest`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

import cases.fields
from core.rest import object_id

from .pages import found_or_404


class CaseNumberField(cases.fields.CaseNumberField):
    """A case the caller sees, by its number, that the input must name (cases' field, but
    required and never blank)."""

    def __init__(self, **kwargs: Any) -> None:
        # The parent's __init__ would make it optional.
        serializers.CharField.__init__(self, max_length=40, **kwargs)


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
            return self.model.objects.none()
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
