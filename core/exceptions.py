"""Domain errors raised by services; views and the API map them to one answer each."""

from django.core.exceptions import ValidationError

__all__ = ["Conflict", "NotAllowed", "ValidationError"]


class NotAllowed(Exception):
    """The actor may not do this (wrong role or unit)."""


class Conflict(Exception):
    """Someone else changed the object first; reload and try again."""
