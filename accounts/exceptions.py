"""Domain errors raised by services; views and the API map them to one answer each."""

from django.core.exceptions import ValidationError
from rest_framework.exceptions import PermissionDenied

__all__ = ["Conflict", "NotAllowed", "PasswordChangeRequired", "ValidationError"]


class NotAllowed(Exception):
    """The actor may not do this (wrong role or unit)."""


class Conflict(Exception):
    """Someone else changed the object first; reload and try again."""


class PasswordChangeRequired(PermissionDenied):
    """The API's refusal while the user's password has expired or must be changed; the code
    (`password_expired`, `password_change_required`) is in the response."""

    default_code = "password_change_required"
