"""Dispute screening's figures for an area and a period, for the dashboard (tiles that drill
down to the report and dispute lists), the monthly report and its export.

- Reports: the screening reports due in the period from units of the area; submitted (on
  time or late), nil reports (零报告), and missing (due before today, not submitted).
- Disputes: found in the period with the responsible unit in the area; major ones; how they
  stand now (resolved, contained, registered as a petition, reported up); 化解率 = resolved /
  found; overdue: still worked after their resolve-by day, whenever found.
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

from ..models import ACTIVE_DISPUTE_STATUSES, DisputeStatus, RiskLevel, ScreeningReport
from .selectors import disputes_visible_to

KEY = "screening"


def _url(name: str, params: list[tuple[str, str]]) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def screening_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    in_area = Q(unit__path__startswith=unit.path)
    reports = ScreeningReport.objects.filter(in_area, due_on__gte=start, due_on__lte=end).aggregate(
        expected=Count("pk"),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        nil=Count("pk", filter=Q(nothing_found=True)),
        missing=Count("pk", filter=Q(submitted_at__isnull=True, due_on__lt=today)),
    )
    found = Q(found_on__gte=start, found_on__lte=end)
    disputes = disputes_visible_to(user).filter(responsible_unit__path__startswith=unit.path)
    counts = disputes.aggregate(
        found=Count("pk", filter=found),
        major=Count("pk", filter=found & Q(risk_level=RiskLevel.MAJOR)),
        **{status: Count("pk", filter=found & Q(status=status)) for status in DisputeStatus.values},
        overdue=Count("pk", filter=Q(status__in=ACTIVE_DISPUTE_STATUSES, due_on__lt=today)),
    )
    rate = ratio(counts[DisputeStatus.RESOLVED], counts["found"])
    area = [("area", unit.code)]
    due = [("due_from", start.isoformat()), ("due_to", end.isoformat())]
    period = [("found_from", start.isoformat()), ("found_to", end.isoformat())]

    def reports_url(*extra: tuple[str, str]) -> str:
        return _url("ledgers:report_list", [*area, *due, *extra])

    def disputes_url(*extra: tuple[str, str]) -> str:
        return _url("ledgers:dispute_list", [*area, *period, *extra])

    tiles = [
        Tile(
            "reports_expected",
            _("Screening reports due"),
            reports["expected"],
            _("Reports due in the period from the units of the area."),
            reports_url(),
        ),
        Tile(
            "reports_submitted",
            _("Reports submitted"),
            reports["submitted"],
            _("Of those, submitted (on time or late)."),
            reports_url(("state", "submitted")),
        ),
        Tile(
            "reports_nil",
            _("Nil reports"),
            reports["nil"],
            _("Submitted reports saying nothing was found (零报告)."),
            reports_url(("state", "nil")),
        ),
        Tile(
            "reports_missing",
            _("Reports missing"),
            reports["missing"],
            _("Due before today and not submitted."),
            reports_url(("state", "missing")),
            alarm=True,
        ),
        Tile(
            "disputes_found",
            _("Disputes found"),
            counts["found"],
            _("Disputes found in the period that a unit of the area answers for."),
            disputes_url(),
        ),
        Tile(
            "disputes_major",
            _("Major disputes"),
            counts["major"],
            _("Of those, of major risk (重大)."),
            disputes_url(("risk_level", RiskLevel.MAJOR)),
        ),
        Tile(
            "disputes_resolved",
            _("Resolved"),
            counts[DisputeStatus.RESOLVED],
            _("Of those, resolved (化解)."),
            disputes_url(("status", DisputeStatus.RESOLVED)),
        ),
        Tile(
            "dispute_resolution_rate",
            _("Dispute resolution rate"),
            rate,
            _("Resolved / found, for the disputes found in the period."),
            disputes_url(("status", DisputeStatus.RESOLVED)),
            rate=True,
        ),
        Tile(
            "disputes_contained",
            _("Contained"),
            counts[DisputeStatus.CONTAINED],
            _("Of those, contained and pending (稳控)."),
            disputes_url(("status", DisputeStatus.CONTAINED)),
        ),
        Tile(
            "disputes_converted",
            _("Registered as petitions"),
            counts[DisputeStatus.CONVERTED],
            _("Of those, registered as a petition (转为信访事项)."),
            disputes_url(("status", DisputeStatus.CONVERTED)),
        ),
        Tile(
            "disputes_reported_up",
            _("Reported up"),
            counts[DisputeStatus.REPORTED_UP],
            _("Of those, reported to the level above (上报)."),
            disputes_url(("status", DisputeStatus.REPORTED_UP)),
        ),
        Tile(
            "disputes_overdue",
            _("Disputes overdue"),
            counts["overdue"],
            _("Still being worked after their resolve-by day, whenever found."),
            _url("ledgers:dispute_list", [*area, ("overdue", "true")]),
            alarm=True,
        ),
    ]
    by_unit = unit_rows(disputes.filter(found), unit, today)
    text = (
        f"本期应报矛盾纠纷排查报告{reports['expected']}份，已报{reports['submitted']}份"
        f"（其中零报告{reports['nil']}份），逾期未报{reports['missing']}份。"
        f"排查发现矛盾纠纷{counts['found']}件，其中重大矛盾纠纷{counts['major']}件；"
        f"已化解{counts[DisputeStatus.RESOLVED]}件，化解率{percent(rate)}；"
        f"稳控{counts[DisputeStatus.CONTAINED]}件，转为信访事项{counts[DisputeStatus.CONVERTED]}件，"
        f"上报{counts[DisputeStatus.REPORTED_UP]}件。超期未化解{counts['overdue']}件。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Dispute screening and resolution"),
        tiles=tiles,
        report_heading="矛盾纠纷排查化解",
        report_text=text,
        report_table=("矛盾纠纷化解情况", ["单位", "排查数", "化解数", "化解率", "超期未化解"]),
        table_columns=[
            (_("Unit"), "text"),
            (_("Disputes found"), "int"),
            (_("Resolved"), "int"),
            (_("Dispute resolution rate"), "rate"),
            (_("Disputes overdue"), "int"),
        ],
        table_rows=[
            [row["name"], row["found"], row["resolved"], row["rate"], row["overdue"]]
            for row in by_unit
        ],
    )


def unit_rows(disputes, area: OrgUnit, today: datetime.date) -> list[dict]:
    """化解率 per unit directly below the area (the area's own units counted as itself), the
    best first: one grouped query, rolled up by path."""
    children = list(
        OrgUnit.objects.filter(parent=area, is_active=True)
        .only("pk", "name", "path")
        .order_by("path")
    )
    grouped = disputes.values("responsible_unit__path").annotate(
        found=Count("pk"),
        resolved=Count("pk", filter=Q(status=DisputeStatus.RESOLVED)),
        overdue=Count("pk", filter=Q(status__in=ACTIVE_DISPUTE_STATUSES, due_on__lt=today)),
    )
    rows = {
        child.path: {"name": child.name, "found": 0, "resolved": 0, "overdue": 0}
        for child in children
    }
    own = {"name": area.name, "found": 0, "resolved": 0, "overdue": 0}
    for group in grouped:
        path = group["responsible_unit__path"]
        target = next((rows[p] for p in rows if path.startswith(p)), own)
        for key in ("found", "resolved", "overdue"):
            target[key] += group[key]
    result = [row for row in [own, *rows.values()] if row["found"] or row["overdue"]]
    for row in result:
        row["rate"] = ratio(row["resolved"], row["found"])
    # Ranked: the best resolution rate first, then the most found.
    return sorted(result, key=lambda row: (row["rate"] is None, -(row["rate"] or 0), -row["found"]))


SCREENING_SECTION = Section(KEY, screening_figures)
