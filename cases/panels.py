"""Panels other apps add to the case detail page, without `cases` importing them.

An app above `cases` registers the URL name of a view that takes the case number and
returns an HTML fragment (`register_case_panel("escalation:case_panel")` in its
`AppConfig.ready()`); the detail page loads each with htmx once it has rendered. The view
must answer 404 for a case the user may not see, as the detail does.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

_panels: list[str] = []


def register_case_panel(url_name: str) -> None:
    """Add the panel at `url_name` (reversed with the case number) to the case detail; a
    second registration of the same name is ignored."""
    if url_name not in _panels:
        _panels.append(url_name)


def case_panels() -> tuple[str, ...]:
    """The URL names registered, in order of registration."""
    return tuple(_panels)


def case_panel_urls(number: str) -> list[str]:
    """The panel URLs for the case `number` (a name that does not reverse is left out)."""
    urls = []
    for name in _panels:
        try:
            urls.append(reverse(name, args=[number]))
        except NoReverseMatch:
            continue
    return urls
