"""API: leaders' reception schedules and reception days (issue 5 §1, §2, §7).

`GET /api/v1/reception/schedules/` the schedules the caller sees (`leader` a username);
`POST` sets one up: `leader` (username), `kind` `weekly` with `weekdays` (ISO 1 = Monday …
7 = Sunday) or `monthly` with `days` (1…31; a day a month lacks is its last day),
`start_time`, `end_time`, `place`, `slots` (1…50), optional `attending_units` (codes),
`valid_from` (default today), `valid_until`. `GET …/{id}/` one schedule; `PATCH …/{id}/` a
change from today on (the answer is the schedule now in force: a new one when the old one
had already held days); `POST …/{id}/end/` ends it; `POST …/{id}/cancel-day/` cancels one
reception day (`date`, `reason`, optional `move_to`: a replacement day the bookings move to).

`GET /api/v1/reception/days/?from=&to=&leader=&area=` every reception day of the schedules the
caller sees (`area`: of a unit's code and the units below it) from `from` to `to` (at most 366
days), each with its `date`, `moved_from` (the nominal
days moved onto it past rest days; empty when not moved), `leader`, time, `place`, `slots`,
`booked`, `free`, `status` (open | cancelled, with its `reason`), `replaces` and `schedule`.

Errors: 400 `{field: [messages]}`, 403 not allowed, 404 outside the caller's scope, 409 a
state that forbids it (a cancelled day, bookings still on a day).

A package because one module had grown past ~400 lines: `schedules` holds the schedules'
endpoints, `days` the days' list and the day serializer both answer with. Each is imported
from its module; this package only gathers their routes for config/api.py.
"""

from .days import DayViewSet
from .schedules import ScheduleViewSet

# (prefix, viewset, basename) triples registered by config/api.py.
routes: list = [
    ("reception/schedules", ScheduleViewSet, "reception-schedule"),
    ("reception/days", DayViewSet, "reception-day"),
]
