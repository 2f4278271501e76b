"""Screens over the notifications about to be written, registered by the apps above (this
app knows nothing of cases): each takes a batch of unsaved rows and returns the rows that
may go. `cases` registers the accusation rule (Art. 30): nobody is told about a case that
accuses their unit."""

from __future__ import annotations

from collections.abc import Callable

from .models import Notification

Screen = Callable[[list[Notification]], list[Notification]]

_screens: list[Screen] = []


def register_screen(screen: Screen) -> None:
    """Add `screen` (once) to those every batch passes through."""
    if screen not in _screens:
        _screens.append(screen)


def screened(rows: list[Notification]) -> list[Notification]:
    """The rows every registered screen lets through."""
    for screen in _screens:
        if not rows:
            break
        rows = screen(rows)
    return rows
