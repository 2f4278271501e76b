"""Vocabularies of codes that the apps above a column's owner extend at start-up.

A column such as `cases.CaseEvent.kind` stores a short code. The app that owns the model owns
the registry of its codes; each app that writes rows of that model registers its own codes
with their labels in its `AppConfig.ready()`. The model field takes a module-level function
returning `registry.choices()` as its `choices`: Django evaluates it when it validates, draws
a form or shows a label, and the migrations record only the function's import path, so a kind
added in an upper app needs no migration in the app below.

    EVENT_KINDS = KindRegistry("case event")          # cases/kinds.py

    def event_kinds() -> list[tuple[str, str]]:
        return EVENT_KINDS.choices()

    kind = models.CharField(max_length=30, choices=event_kinds)   # cases/models

    EVENT_KINDS.register(EscalationEventKind)         # escalation/apps.py, ready()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise

Label = str | Promise
Choices = type[models.Choices] | Iterable[tuple[str, Label]]


class KindRegistry:
    """The codes of one column and their labels, in the order they were registered.

    Iterating it gives `(code, label)` pairs read at that moment, so it can stand for choices
    in a form field or filter declared at import time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._labels: dict[str, Label] = {}

    def __repr__(self) -> str:
        return f"<KindRegistry {self.name}: {len(self._labels)} kinds>"

    def register(self, choices: Choices) -> None:
        """Add the kinds of a `TextChoices` class (or `(code, label)` pairs). Registering the
        same code with the same label again is harmless; another label for a code taken is a
        configuration error (two apps would write one code meaning two things)."""
        pairs = choices.choices if isinstance(choices, type) else choices
        for code, label in pairs:
            code = str(code)
            taken = self._labels.get(code)
            if taken is not None and str(taken) != str(label):
                raise ImproperlyConfigured(
                    f"{self.name}: the code {code!r} is registered as {taken!r} already."
                )
            self._labels.setdefault(code, label)

    def unregister(self, codes: Iterable[str]) -> None:
        """Remove kinds (for tests that register one of their own)."""
        for code in codes:
            self._labels.pop(str(code), None)

    def choices(self) -> list[tuple[str, Label]]:
        """Every kind registered, as `(code, label)` pairs."""
        return list(self._labels.items())

    def label(self, code: str) -> Label:
        """The label of `code`, or the code itself when no app registered it."""
        return self._labels.get(code, code)

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def __iter__(self) -> Iterator[tuple[str, Label]]:
        return iter(self.choices())

    def __len__(self) -> int:
        return len(self._labels)
