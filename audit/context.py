"""The request being served, for records made where no request is at hand (signals)."""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def set_current_request(request: HttpRequest | None):
    """Set the request; returns the token that `reset_current_request` takes."""
    return _current_request.set(request)


def reset_current_request(token) -> None:
    _current_request.reset(token)
