"""Leader reception's figures for an area and a period (the dashboard's section, the monthly
report's, the export's), registered in `core.sections`. A reception belongs to the area when
the unit of its schedule (the leader's unit when the schedule was made) is the area's unit or
below it; a field visit when the leader's unit is. Over the days from `start` to `end`:

- reception days held (领导接待日): a schedule's reception day on which the leader received at
  least one petitioner (`reception.filters.held_condition`); a cancelled day never is;
- receptions (接待批次): the appointments attended (the petitioners came and were received);
- people received (接待人次): the petitioners on those appointments, each once per reception;
- resolved on the spot (当场化解): of those receptions, the ones whose reception record says
  the matter was resolved on the spot (the leader's own finding; a matter turned into an
  assignment is followed on its case, not counted here), and their share of the receptions;
- field visits (下访): the leaders' visits to the grassroots, and the cases taken along on them
  (带案下访).

The same per leader in a table. Each tile drills down to the list it counts (the reception
days, the appointments, the field visits), filtered to exactly its rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.sections import Section, SectionFigures, Tile, percent

from .appointments.selectors import appointments_visible_to
from .filters import DayState, held_condition
from .models import AppointmentPetitioner, AppointmentStatus, FieldVisitCase, ReceptionDay
from .selectors import schedules_visible_to
from .visits.selectors import field_visits_visible_to

KEY = "reception"

# The numbers of each leader, in the table's order.
FIELDS = ("days", "attended", "people", "resolved", "visits", "visit_cases")


def _url(name: str, params: list[tuple[str, str]]) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def leader_label(leader: User) -> str:
    """The leader's name as the reception pages show it, with their unit."""
    unit = leader.org_unit.name if leader.org_unit_id else ""
    return f"{leader.display_name}（{unit}）" if unit else leader.display_name


def reception_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    days = ReceptionDay.objects.filter(
        schedule__in=schedules_visible_to(user).values("pk"),
        schedule__unit__path__startswith=unit.path,
        date__gte=start,
        date__lte=end,
    ).filter(held_condition())
    attended = appointments_visible_to(user).filter(
        day__schedule__unit__path__startswith=unit.path,
        day__date__gte=start,
        day__date__lte=end,
        status=AppointmentStatus.ATTENDED,
    )
    visits = field_visits_visible_to(user).filter(
        leader__org_unit__path__startswith=unit.path, date__gte=start, date__lte=end
    )
    # Per leader: five grouped counts and the leaders' names (six queries), whatever the rows.
    numbers: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for row in days.values("schedule__leader").annotate(n=Count("pk")):
        numbers[row["schedule__leader"]]["days"] = row["n"]
    for row in attended.values("day__schedule__leader").annotate(
        n=Count("pk"), resolved=Count("pk", filter=Q(record__resolved_on_spot=True))
    ):
        leader = numbers[row["day__schedule__leader"]]
        leader["attended"], leader["resolved"] = row["n"], row["resolved"]
    for row in (
        AppointmentPetitioner.objects.filter(appointment__in=attended.values("pk"), active=True)
        .values("appointment__day__schedule__leader")
        .annotate(n=Count("pk"))
    ):
        numbers[row["appointment__day__schedule__leader"]]["people"] = row["n"]
    for row in visits.values("leader").annotate(n=Count("pk")):
        numbers[row["leader"]]["visits"] = row["n"]
    for row in (
        FieldVisitCase.objects.filter(visit__in=visits.values("pk"))
        .values("visit__leader")
        .annotate(n=Count("pk"))
    ):
        numbers[row["visit__leader"]]["visit_cases"] = row["n"]
    leaders = (
        User.objects.filter(pk__in=list(numbers))
        .select_related("org_unit")
        .order_by("org_unit__path", "last_name", "first_name", "username")
    )
    total = {name: sum(row[name] for row in numbers.values()) for name in FIELDS}
    share = total["resolved"] / total["attended"] if total["attended"] else None

    area = [("area", unit.code), ("date_from", start.isoformat()), ("date_to", end.isoformat())]
    received_url = _url(
        "reception:appointment_list", [*area, ("status", AppointmentStatus.ATTENDED)]
    )
    resolved_url = _url(
        "reception:appointment_list",
        [*area, ("status", AppointmentStatus.ATTENDED), ("resolved", "true")],
    )
    visits_url = _url("reception:visit_list", area)
    tiles = [
        Tile(
            "reception_days",
            _("Reception days held"),
            total["days"],
            _(
                "Leaders' reception days in the period on which at least one petitioner was "
                "received (a cancelled day never is), of schedules of the area."
            ),
            _url("reception:day_list", [*area, ("state", DayState.HELD)]),
        ),
        Tile(
            "receptions",
            _("Receptions"),
            total["attended"],
            _("Appointments on those days at which the petitioners came and were received."),
            received_url,
        ),
        Tile(
            "people_received",
            _("People received"),
            total["people"],
            _("The petitioners received at those receptions (person-times, 接待人次)."),
            received_url,
        ),
        Tile(
            "resolved_on_spot",
            _("Resolved on the spot"),
            total["resolved"],
            _("Of those receptions, the ones whose record says resolved on the spot."),
            resolved_url,
        ),
        Tile(
            "resolved_share",
            _("Resolved on the spot (share)"),
            share,
            _("Resolved on the spot / receptions."),
            resolved_url,
            rate=True,
        ),
        Tile(
            "field_visits",
            _("Field visits"),
            total["visits"],
            _("Leaders' visits to the grassroots in the period, of leaders of the area."),
            visits_url,
        ),
        Tile(
            "field_visit_cases",
            _("Cases taken along"),
            total["visit_cases"],
            _("The cases taken along on those visits (带案下访)."),
            visits_url,
        ),
    ]
    text = (
        f"本期领导接待日实际接访{total['days']}天，接待群众{total['attended']}批"
        f"{total['people']}人次，当场化解{total['resolved']}件（占{percent(share)}）；"
        f"领导下访{total['visits']}次，带案下访{total['visit_cases']}件。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Leader reception"),
        tiles=tiles,
        report_heading="领导接访下访",
        report_text=text,
        report_table=(
            "领导接访下访情况",
            ["领导", "接待日", "接待批次", "接待人次", "当场化解", "下访次数", "带案件数"],
        ),
        table_columns=[
            (_("Leader"), "text"),
            (_("Reception days held"), "int"),
            (_("Receptions"), "int"),
            (_("People received"), "int"),
            (_("Resolved on the spot"), "int"),
            (_("Field visits"), "int"),
            (_("Cases taken along"), "int"),
        ],
        table_rows=[
            [leader_label(leader), *(numbers[leader.pk][name] for name in FIELDS)]
            for leader in leaders
        ],
    )


RECEPTION_SECTION = Section(KEY, reception_figures)
