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

_panels: dict[str, tuple[object, str]] = {}


@dataclass(frozen=True)
class PanelLink:
    """A panel as the detail page places it: `key` its name on the page (the registering
    app's URL namespace unless it gave one)."""

    key: str
    url: str
    title: str


def register_case_panel(url_name: str, title: object = "", key: str = "") -> None:
    """Add the panel at `url_name` (reversed with the case number) to the case detail under
    `title` (a lazy translation); a second registration of the same name is ignored. `key`
    names the panel on the page (`panel-<key>`): by default the app's URL namespace, given
    when an app registers a second panel."""
    _panels.setdefault(url_name, (title, key or url_name.split(":")[0]))


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
    for name, (title, key) in _panels.items():
        try:
            url = reverse(name, args=[number])
        except NoReverseMatch:
            continue
        links.append(PanelLink(key=key, url=url, title=str(title)))
    return links
