"""Panels other apps add to the case detail page, without `cases` importing them.

An app above `cases` registers the URL name of a view that takes the case number and
returns an HTML fragment, with the panel's title (`register_case_panel("escalation:case_panel",
_("Supervision and consultation"))` in its `AppConfig.ready()`). The detail page shows each
as a closed section under its title and loads the fragment with htmx when the user opens it,
so a view of the page costs none of their queries. The view must answer 404 for a case the
user may not see, as the detail does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

_panels: dict[str, object] = {}


@dataclass(frozen=True)
class PanelLink:
    """A panel as the detail page places it: `key` the registering app's URL namespace."""

    key: str
    url: str
    title: str


def register_case_panel(url_name: str, title: object = "") -> None:
    """Add the panel at `url_name` (reversed with the case number) to the case detail under
    `title` (a lazy translation); a second registration of the same name is ignored."""
    _panels.setdefault(url_name, title)


def case_panels() -> tuple[str, ...]:
    """The URL names registered, in order of registration."""
    return tuple(_panels)


def case_panel_urls(number: str) -> list[str]:
    """The panel URLs for the case `number` (a name that does not reverse is left out)."""
    return [link.url for link in case_panel_links(number)]


def case_panel_links(number: str) -> list[PanelLink]:
    """The panels for the case `number`, in order of registration (a name that does not
    reverse is left out)."""
    links = []
    for name, title in _panels.items():
        try:
            url = reverse(name, args=[number])
        except NoReverseMatch:
            continue
        links.append(PanelLink(key=name.split(":")[0], url=url, title=str(title)))
    return links
