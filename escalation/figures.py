"""Escalation's figures for an area and a period (the dashboard's section, the monthly
report's, the export's), registered in `core.sections`: the supervision notices issued in the
period to units of the area, answered (in time or late), still awaiting a response, overdue
now, and issued by the deadline scan itself; the joint supervisions opened in the period by a
unit of the area, closed or still open. Each drills down to its list (the notice list, the
joint supervision board) filtered to what it counts."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.sections import Section, SectionFigures, Tile

from .joint.filters import ALL
from .joint.selectors import supervisions_visible_to
from .models import JointStatus
from .notices.filters import NoticeState, state_condition
from .notices.selectors import NoticeTab, notices_visible_to

KEY = "escalation"


def escalation_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    notices = notices_visible_to(user).filter(
        unit__path__startswith=unit.path, issued_on__gte=start, issued_on__lte=end
    )
    counts = notices.aggregate(
        issued=Count("pk"),
        **{
            state: Count("pk", filter=state_condition(state, today))
            for state in (
                NoticeState.OPEN,
                NoticeState.OVERDUE,
                NoticeState.ANSWERED,
                NoticeState.ANSWERED_LATE,
            )
        },
        automatic=Count("pk", filter=Q(automatic=True)),
    )
    base = [
        ("tab", NoticeTab.ALL),
        ("area", unit.code),
        ("issued_from", start.isoformat()),
        ("issued_to", end.isoformat()),
    ]

    def url(*extra: tuple[str, str]) -> str:
        return f"{reverse('escalation:notice_list')}?{urlencode([*base, *extra])}"

    joints = supervisions_visible_to(user).filter(
        opening_unit__path__startswith=unit.path, opened_on__gte=start, opened_on__lte=end
    )
    joint = joints.aggregate(
        opened=Count("pk"),
        closed=Count("pk", filter=Q(status=JointStatus.CLOSED)),
        open=Count("pk", filter=Q(status=JointStatus.OPEN)),
    )
    board = [
        ("area", unit.code),
        ("opened_from", start.isoformat()),
        ("opened_to", end.isoformat()),
    ]

    def board_url(status: str) -> str:
        return f"{reverse('escalation:joint_board')}?{urlencode([('status', status), *board])}"

    tiles = [
        Tile(
            "notices_issued",
            _("Supervision notices issued"),
            counts["issued"],
            _("Supervision and urging notices issued in the period to units of the area."),
            url(),
        ),
        Tile(
            "notices_answered",
            _("Answered"),
            counts[NoticeState.ANSWERED],
            _("Of those, answered in writing."),
            url(("state", NoticeState.ANSWERED)),
        ),
        Tile(
            "notices_answered_late",
            _("Answered late"),
            counts[NoticeState.ANSWERED_LATE],
            _("Of those, answered after the response was due."),
            url(("state", NoticeState.ANSWERED_LATE)),
        ),
        Tile(
            "notices_open",
            _("Awaiting response"),
            counts[NoticeState.OPEN],
            _("Of those, not answered and not yet due."),
            url(("state", NoticeState.OPEN)),
        ),
        Tile(
            "notices_overdue",
            _("Overdue notices"),
            counts[NoticeState.OVERDUE],
            _("Of those, not answered and past their due day."),
            url(("state", NoticeState.OVERDUE)),
            alarm=True,
        ),
        Tile(
            "joint_opened",
            _("Joint supervisions opened"),
            joint["opened"],
            _("Five-party joint supervisions opened in the period by a unit of the area."),
            board_url(ALL),
        ),
        Tile(
            "joint_closed",
            _("Joint supervisions closed"),
            joint["closed"],
            _("Of those, closed (every party done and the case answered)."),
            board_url(JointStatus.CLOSED),
        ),
        Tile(
            "joint_open",
            _("Joint supervisions open"),
            joint["open"],
            _("Of those, still open."),
            board_url(JointStatus.OPEN),
        ),
    ]
    text = (
        f"本期向本区域单位下发督办、催办通知书{counts['issued']}件（其中系统自动督办"
        f"{counts['automatic']}件），已书面回复{counts[NoticeState.ANSWERED]}件（逾期回复"
        f"{counts[NoticeState.ANSWERED_LATE]}件），待回复{counts[NoticeState.OPEN]}件，"
        f"超期未回复{counts[NoticeState.OVERDUE]}件。本期启动五方联合督办{joint['opened']}件，"
        f"已结束{joint['closed']}件，仍在督办{joint['open']}件。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Supervision"),
        tiles=tiles,
        report_heading="督办情况",
        report_text=text,
    )


ESCALATION_SECTION = Section(KEY, escalation_figures)
