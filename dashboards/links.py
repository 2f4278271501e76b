"""Drill-down: the petition or case list behind each number of the dashboard, filtered with
the lists' own filters so that the list holds what the number counts."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from cases.models import IN_WORK_STATUSES
from cases.selectors import ClockState
from petitions.models import Channel, ReceivedLevel

from .selectors import SPECIAL_KEYS

SPECIAL_FILTERS = {
    "skip_level": "is_skip_level",
    "group": "is_group",
    "repeat": "is_repeat",
    "first_time": "is_first_time",
}
# Rates over the clocks due in the period, and the filters narrowing to the numerator.
CLOCK_RATES = {
    "timely_acceptance_rate": {"clock": "acceptance", "clock_state": ClockState.ON_TIME},
    "completion_rate": {"clock": "answer", "clock_state": ClockState.MET},
}
# Rates over the answers delivered in the period, and the filter narrowing to the numerator.
ANSWER_RATES = {
    "on_time_rate": {"answered_on_time": "true"},
    "resolution_rate": {"resolved": "true"},
    "satisfaction_rate": {},
    "participation_rate": {},
    "one_time_rate": {},
}


def _url(name: str, params: list[tuple[str, str]]) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def drilldown_links(summary: dict, today: datetime.date | None = None) -> dict:
    """Links: `batches`, `open`, `due_soon`, `overdue`, `backlog`, and by key within
    `channel`, `level`, `special`, `category` (code), `rate` (the cases behind each rate's
    numerator: a clock kept, an answer on time, resolved...) and `unit`
    (the same dashboard for a unit of the ranking)."""
    today = today or timezone.localdate()
    unit, start, end = summary["unit"], summary["from"], summary["to"]
    received = [("area", unit), ("received_from", str(start)), ("received_to", str(end))]

    def petitions(*extra: tuple[str, str]) -> str:
        return _url("petitions:list", [*received, *extra])

    answered = [("answering_unit", unit), ("answered_from", str(start)), ("answered_to", str(end))]
    clocks = [("clock_unit", unit), ("clock_due_from", str(start)), ("clock_due_to", str(end))]
    owned = [("unit", unit)]
    period = [("from", str(start)), ("to", str(end))]
    return {
        "batches": petitions(),
        "channel": {channel: petitions(("channel", channel)) for channel in Channel.values},
        "level": {level: petitions(("level", level)) for level in ReceivedLevel.values},
        "special": {key: petitions((SPECIAL_FILTERS[key], "true")) for key in SPECIAL_KEYS},
        "category": {
            row["code"]: petitions(("category", row["code"])) for row in summary["top_categories"]
        },
        "rate": {
            **{
                key: _url("cases:list", [*clocks, *narrower.items()])
                for key, narrower in CLOCK_RATES.items()
            },
            **{
                key: _url("cases:list", [*answered, *narrower.items()])
                for key, narrower in ANSWER_RATES.items()
            },
        },
        "open": _url(
            "cases:list", [*owned, *(("status", status) for status in sorted(IN_WORK_STATUSES))]
        ),
        "due_soon": _url(
            "cases:list",
            [*owned, ("due_from", str(today)), ("due_to", str(summary["due_soon_until"]))],
        ),
        "overdue": _url("cases:list", [*owned, ("overdue", "true")]),
        "backlog": _url("cases:list", [*owned, ("backlog", "true")]),
        "unit": {
            row["unit"]: _url("dashboards:dashboard", [("unit", row["unit"]), *period])
            for row in summary["unit_ranking"]
        },
    }
