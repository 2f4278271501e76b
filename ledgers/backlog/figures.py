"""The backlog ledger's figures (积案台账) for an area and a period, for the dashboard (tiles
that drill down to the ledger, or to the candidates, filtered to exactly the rows counted),
the monthly report and its export.

An entry is in the area when its lead unit is the area's unit or below it; among the entries
the user sees (`entries_visible_to`). Over the period from `start` to `end`:

- on the ledger (在册): put on by `end` and not taken off before `start` (carried over from
  before the period, and new);
- new (新增): put on the ledger in the period;
- resolved (化解), stopped (息访息诉), terminated by law (依法终结): taken off the ledger in the
  period with that outcome (each of them on the ledger in the period too);
- 积案化解率 = resolved / on the ledger: of the cases on the ledger at some time in the
  period, the share resolved in it (— when none was on the ledger).

And as they stand today, whenever put on: still open, overdue (open past the time limit),
group cases open (群体性积案) and those of them without a sponsoring leader; and the
candidates not on the ledger: 积案 by the rule (`cases.selectors.backlog_condition`, as the
dashboards' rollup last counted them) with no open entry, by the case's owner unit.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.sections import ratio
from dashboards.indicators import percent
from dashboards.sections import Section, SectionFigures, Tile

from ..models import BacklogStatus
from .selectors import (
    backlog_candidates,
    entries_visible_to,
    group_case,
    on_ledger_during,
    overdue,
)

# Not "backlog": the dashboard's own table of the computed 积案 has that key.
KEY = "backlog_resolution"
OUTCOMES = (BacklogStatus.RESOLVED, BacklogStatus.STOPPED, BacklogStatus.TERMINATED)


def _url(name: str, params: list[tuple[str, str]]) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def backlog_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    entries = entries_visible_to(user).filter(lead_unit__path__startswith=unit.path)
    during = on_ledger_during(start, end)
    ended = Q(ended_on__gte=start, ended_on__lte=end)
    open_now = Q(status=BacklogStatus.OPEN)
    group_open = open_now & group_case()
    counts = entries.aggregate(
        on_ledger=Count("pk", filter=during),
        new=Count("pk", filter=Q(placed_on__gte=start, placed_on__lte=end)),
        **{outcome: Count("pk", filter=ended & Q(status=outcome)) for outcome in OUTCOMES},
        open=Count("pk", filter=open_now),
        overdue=Count("pk", filter=overdue(today)),
        group_open=Count("pk", filter=group_open),
        group_unsponsored=Count("pk", filter=group_open & Q(sponsoring_leader__isnull=True)),
    )
    candidates = backlog_candidates(user).filter(owner_unit__path__startswith=unit.path).count()
    rate = ratio(counts[BacklogStatus.RESOLVED], counts["on_ledger"])
    area = [("area", unit.code)]

    def ledger_url(*extra: tuple[str, str]) -> str:
        return _url("ledgers:backlog_list", [*area, *extra])

    def ended_url(outcome: str) -> str:
        return ledger_url(
            ("status", outcome), ("ended_from", start.isoformat()), ("ended_to", end.isoformat())
        )

    tiles = [
        Tile(
            "backlog_on_ledger",
            _("Backlog cases on the ledger"),
            counts["on_ledger"],
            _("On the backlog ledger at some time in the period: carried over and new."),
            ledger_url(("on_ledger_from", start.isoformat()), ("on_ledger_to", end.isoformat())),
        ),
        Tile(
            "backlog_new",
            _("Put on the ledger"),
            counts["new"],
            _("Of those, put on the ledger in the period."),
            ledger_url(("placed_from", start.isoformat()), ("placed_to", end.isoformat())),
        ),
        Tile(
            "backlog_resolved",
            _("Resolved"),
            counts[BacklogStatus.RESOLVED],
            _("Taken off the ledger in the period as resolved (化解)."),
            ended_url(BacklogStatus.RESOLVED),
        ),
        Tile(
            "backlog_resolution_rate",
            _("Backlog resolution rate"),
            rate,
            _("Resolved in the period / on the ledger in the period (积案化解率)."),
            ended_url(BacklogStatus.RESOLVED),
            rate=True,
        ),
        Tile(
            "backlog_stopped",
            _("Petitioner stopped"),
            counts[BacklogStatus.STOPPED],
            _("Taken off the ledger in the period: the petitioner stopped (息访息诉)."),
            ended_url(BacklogStatus.STOPPED),
        ),
        Tile(
            "backlog_terminated",
            _("Terminated by law"),
            counts[BacklogStatus.TERMINATED],
            _("Taken off the ledger in the period: terminated by law (依法终结)."),
            ended_url(BacklogStatus.TERMINATED),
        ),
        Tile(
            "backlog_open",
            _("Still being resolved"),
            counts["open"],
            _("On the ledger today, whenever put on."),
            ledger_url(("status", BacklogStatus.OPEN)),
        ),
        Tile(
            "backlog_overdue",
            _("Backlog cases overdue"),
            counts["overdue"],
            _("On the ledger today past their time limit."),
            ledger_url(("overdue", "true")),
            alarm=True,
        ),
        Tile(
            "backlog_group",
            _("Group backlog cases"),
            counts["group_open"],
            _("On the ledger today, with a group visit among the case's petitions."),
            ledger_url(("status", BacklogStatus.OPEN), ("group", "true")),
        ),
        Tile(
            "backlog_group_unsponsored",
            _("Group cases without a sponsoring leader"),
            counts["group_unsponsored"],
            _("Of those, with no sponsoring leader (包案领导) named."),
            ledger_url(("status", BacklogStatus.OPEN), ("group", "true"), ("sponsored", "false")),
            alarm=True,
        ),
        Tile(
            "backlog_candidates",
            _("Backlog cases not on the ledger"),
            candidates,
            _("积案 by the rule (as last counted) owned in the area, not on the ledger."),
            _url("ledgers:backlog_candidates", area),
            alarm=True,
        ),
    ]
    by_unit = unit_rows(entries, unit, start, end, today)
    text = (
        f"本期积案台账在册积案{counts['on_ledger']}件，其中本期新列入{counts['new']}件；"
        f"本期化解{counts[BacklogStatus.RESOLVED]}件，积案化解率{percent(rate)}；"
        f"息访息诉{counts[BacklogStatus.STOPPED]}件，"
        f"依法终结{counts[BacklogStatus.TERMINATED]}件。"
        f"截至目前，仍在化解{counts['open']}件，其中超期{counts['overdue']}件、"
        f"群体性积案{counts['group_open']}件（未明确包案领导{counts['group_unsponsored']}件）；"
        f"符合积案条件尚未列入台账{candidates}件。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Backlog resolution"),
        tiles=tiles,
        report_heading="积案化解",
        report_text=text,
        report_table=("积案化解情况", ["单位", "在册积案", "新列入", "化解", "积案化解率", "超期"]),
        table_columns=[
            (_("Unit"), "text"),
            (_("Backlog cases on the ledger"), "int"),
            (_("Put on the ledger"), "int"),
            (_("Resolved"), "int"),
            (_("Backlog resolution rate"), "rate"),
            (_("Backlog cases overdue"), "int"),
        ],
        table_rows=[
            [
                row["name"],
                row["on_ledger"],
                row["new"],
                row["resolved"],
                row["rate"],
                row["overdue"],
            ]
            for row in by_unit
        ],
    )


COUNTED = ("on_ledger", "new", "resolved", "overdue")


def unit_rows(
    entries, area: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> list[dict]:
    """积案化解率 per unit directly below the area (the entries the area's unit leads itself
    counted as its own row), the best first: one grouped query, rolled up by path."""
    children = list(
        OrgUnit.objects.filter(parent=area, is_active=True)
        .only("pk", "name", "path")
        .order_by("path")
    )
    grouped = (
        entries.filter(on_ledger_during(start, end) | overdue(today))
        .values("lead_unit__path")
        .annotate(
            on_ledger=Count("pk", filter=on_ledger_during(start, end)),
            new=Count("pk", filter=Q(placed_on__gte=start, placed_on__lte=end)),
            resolved=Count(
                "pk",
                filter=Q(status=BacklogStatus.RESOLVED, ended_on__gte=start, ended_on__lte=end),
            ),
            overdue=Count("pk", filter=overdue(today)),
        )
        .order_by()
    )
    rows = {child.path: {"name": child.name, **dict.fromkeys(COUNTED, 0)} for child in children}
    own = {"name": area.name, **dict.fromkeys(COUNTED, 0)}
    for group in grouped:
        path = group["lead_unit__path"]
        target = next((rows[p] for p in rows if path.startswith(p)), own)
        for key in COUNTED:
            target[key] += group[key]
    result = [row for row in [own, *rows.values()] if row["on_ledger"] or row["overdue"]]
    for row in result:
        row["rate"] = ratio(row["resolved"], row["on_ledger"])
    # Ranked: the best rate first, then the most on the ledger.
    return sorted(
        result, key=lambda row: (row["rate"] is None, -(row["rate"] or 0), -row["on_ledger"])
    )


BACKLOG_SECTION = Section(KEY, backlog_figures)
