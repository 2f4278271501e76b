"""What the API accepts as input, in one place: the JSON parser every view uses and the field
that looks rows up by a code (unit, category, user name, case number).

PostgreSQL refuses a NUL byte in any text value ("text fields cannot contain NUL"), so a NUL
that reached a query would be a 500. DRF's CharField already refuses it (Django's
ProhibitNullCharactersValidator); a code looked up by `SlugRelatedField` is not a CharField,
and so goes through `SlugRelatedField` below. NULs in the URL (path and query string) are
refused before any view by `core.middleware.NulByteMiddleware`."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError

# Deeper JSON than this is no input of ours (the deepest body the API takes nests 3 levels).
MAX_JSON_DEPTH = 32

NUL_MESSAGE = ProhibitNullCharactersValidator.message


def contains_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField that refuses a NUL byte with a field error instead of sending
    it to the database. Every API serializer uses this one (a test checks it)."""

    default_error_messages = {"null_characters": NUL_MESSAGE}

    def bind(self, field_name, parent):
        """A read-only field over a nullable relation is null when the row has none: say so
        (the schema then declares it nullable), as ModelSerializer does for the fields it
        builds itself but not for declared ones."""
        super().bind(field_name, parent)
        assert self.source is not None  # bind() sets it (to the field name by default)
        if self.read_only and not self.allow_null and source_is_nullable(parent, self.source):
            self.allow_null = True

    def to_internal_value(self, data):
        if contains_nul(data):
            self.fail("null_characters")
        return super().to_internal_value(data)


def source_is_nullable(serializer, source: str) -> bool:
    """Whether the dotted `source` of a field of a ModelSerializer crosses a nullable model
    field (False when it names no model field, e.g. a property)."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    for name in source.split("."):
        if model is None:
            return False
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.null:
            return True
        model = field.related_model
    return False


def json_depth_exceeds(value, limit: int) -> bool:
    """Whether `value` nests lists/objects more than `limit` levels (iteratively: a deep
    value must not exhaust the stack here either)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit: a body nested thousands deep is a 400, not a
    RecursionError (500) in the decoder or in the code that walks it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self.too_deep()) from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(self.too_deep())
        return data

    @staticmethod
    def too_deep() -> str:
        return _("JSON parse error - nested more than %(limit)d levels deep.") % {
            "limit": MAX_JSON_DEPTH
        }
