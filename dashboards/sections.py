"""The dashboard's sections from other apps, registered at start-up: the registry is
`core.sections` (so that escalation, beside dashboards, can register too); these are its
names for dashboards' own code and for the apps above."""

from core.sections import (
    Section,
    SectionFigures,
    Tile,
    register_section,
    section_figures,
    sections,
)

__all__ = [
    "Section",
    "SectionFigures",
    "Tile",
    "register_section",
    "section_figures",
    "sections",
]
