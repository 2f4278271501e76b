"""Major and urgent matters' figures for an area and a period (the dashboard's section, the
monthly report's, the export's): the matters flagged in the period by a unit of the area,
major and urgent; reported (their information report sent), acknowledged by every recipient,
awaiting acknowledgement, not yet reported; late (sent after its reporting clock or still
unsent past it, or acknowledged after its acknowledgement clock or still not past it)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.workcalendar import start_of_day
from dashboards.sections import Section, SectionFigures, Tile

from ..models import Gravity, UrgentReport, UrgentStatus
from .filters import late_condition
from .selectors import reports_visible_to

KEY = "urgent"


def urgent_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    period = Q(
        flagged_at__gte=start_of_day(start),
        flagged_at__lt=start_of_day(end + datetime.timedelta(days=1)),
    )
    reports = reports_visible_to(user).filter(period, reporting_unit__path__startswith=unit.path)
    late_ids = UrgentReport.objects.filter(late_condition()).values("pk")
    counts = reports.aggregate(
        flagged=Count("pk"),
        major=Count("pk", filter=Q(gravity=Gravity.MAJOR)),
        urgent=Count("pk", filter=Q(gravity=Gravity.URGENT)),
        reported=Count("pk", filter=Q(issued_at__isnull=False)),
        acknowledged=Count("pk", filter=Q(status=UrgentStatus.ACKNOWLEDGED)),
        awaiting=Count("pk", filter=Q(status=UrgentStatus.ISSUED)),
        unsent=Count("pk", filter=Q(status=UrgentStatus.DRAFT)),
        late=Count("pk", filter=Q(pk__in=late_ids)),
    )
    base = [
        ("area", unit.code),
        ("flagged_from", start.isoformat()),
        ("flagged_to", end.isoformat()),
    ]

    def url(*extra: tuple[str, str]) -> str:
        return f"{reverse('ledgers:urgent_list')}?{urlencode([*base, *extra])}"

    tiles = [
        Tile(
            "urgent_flagged",
            _("Major or urgent matters"),
            counts["flagged"],
            _("Matters flagged major or urgent in the period by a unit of the area."),
            url(),
        ),
        Tile(
            "urgent_major",
            _("Major"),
            counts["major"],
            _("Of those, major (重大)."),
            url(("gravity", Gravity.MAJOR)),
        ),
        Tile(
            "urgent_urgent",
            _("Urgent"),
            counts["urgent"],
            _("Of those, urgent (紧急)."),
            url(("gravity", Gravity.URGENT)),
        ),
        Tile(
            "urgent_reported",
            _("Reported"),
            counts["reported"],
            _("Of those, whose information report was sent."),
            url(("reported", "true")),
        ),
        Tile(
            "urgent_acknowledged",
            _("Acknowledged"),
            counts["acknowledged"],
            _("Of those, acknowledged by every recipient."),
            url(("status", UrgentStatus.ACKNOWLEDGED)),
        ),
        Tile(
            "urgent_awaiting",
            _("Awaiting acknowledgement"),
            counts["awaiting"],
            _("Of those, sent and not yet acknowledged by every recipient."),
            url(("status", UrgentStatus.ISSUED)),
        ),
        Tile(
            "urgent_unsent",
            _("Not yet reported"),
            counts["unsent"],
            _("Of those, whose information report is not sent yet."),
            url(("status", UrgentStatus.DRAFT)),
        ),
        Tile(
            "urgent_late",
            _("Late"),
            counts["late"],
            _("Of those, reported or acknowledged after its time, or still not past it."),
            url(("late", "true")),
            alarm=True,
        ),
    ]
    text = (
        f"本期报送重大、紧急信访事项{counts['flagged']}件（重大{counts['major']}件、紧急"
        f"{counts['urgent']}件），已报送信访信息专报{counts['reported']}件，已签收"
        f"{counts['acknowledged']}件，待签收{counts['awaiting']}件，尚未报送{counts['unsent']}件；"
        f"超时报送或签收{counts['late']}件。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Major and urgent matters"),
        tiles=tiles,
        report_heading="重大紧急信访事项报告",
        report_text=text,
    )


URGENT_SECTION = Section(KEY, urgent_figures)
