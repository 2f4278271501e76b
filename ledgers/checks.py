"""Checks every ledger's services make on what they are given."""

from __future__ import annotations

from core.exceptions import ValidationError
from core.limits import LONG_TEXT


def required_text(name: str, value: str, message: str, limit: int = LONG_TEXT) -> str:
    """`value` stripped and cut to `limit`; a field error on `name` when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({name: [message]})
    return value[:limit]
