"""The kinds of notification (`Notification.kind`), which the apps that write notifications
register with their labels in their `AppConfig.ready()` (`core.kinds`): this app knows none
of them, and a kind added above needs no migration here.

An app may also give its kinds a badge in the inbox (Bootstrap's `text-bg-*` classes);
a kind without one gets the grey badge.
"""

from collections.abc import Mapping

from core.kinds import KindRegistry

NOTIFICATION_KINDS = KindRegistry("notification")
DEFAULT_BADGE = "text-bg-secondary"

_badges: dict[str, str] = {}


def notification_kinds() -> list[tuple[str, str]]:
    """The choices of `Notification.kind`: every kind registered."""
    return NOTIFICATION_KINDS.choices()


def register_badges(badges: Mapping[str, str]) -> None:
    """Show the kinds in `badges` (code: CSS class) with that badge in the inbox."""
    _badges.update({str(code): css for code, css in badges.items()})


def badge(kind: str) -> str:
    """The inbox badge of `kind`."""
    return _badges.get(kind, DEFAULT_BADGE)
