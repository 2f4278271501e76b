"""The four-level consultation's figures (四级会诊) for an area and a period (the dashboard's
section, the monthly report's, the export's), registered in `core.sections`: the consultations
held in the period by a unit of the area (the unit that recorded it: the petition office or
the joint-conference office), by level, those escalated to the next level, and those with a
task not done past its due day (today). Each drills down to the consultation list filtered to
what it counts."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.sections import Section, SectionFigures, Tile

from ..models import ConsultationLevel
from .filters import ConsultationState, state_condition
from .selectors import consultations_visible_to

KEY = "consultation"
# The report's names of the levels (the official Chinese whatever the page's language).
LEVEL_NAMES = {
    1: "一级（部门）",
    2: "二级（部门联合）",
    3: "三级（厅局联席、专家）",
    4: "四级（联席会议）",
}


def consultation_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    held = consultations_visible_to(user).filter(
        recording_unit__path__startswith=unit.path, held_on__gte=start, held_on__lte=end
    )
    counts = held.aggregate(
        held=Count("pk"),
        **{f"level{level}": Count("pk", filter=Q(level=level)) for level in ConsultationLevel},
        escalated=Count("pk", filter=state_condition(ConsultationState.ESCALATED, today)),
        overdue=Count("pk", filter=state_condition(ConsultationState.TASKS_OVERDUE, today)),
    )
    base = [("area", unit.code), ("held_from", start.isoformat()), ("held_to", end.isoformat())]

    def url(*extra: tuple[str, str]) -> str:
        return f"{reverse('escalation:consultation_list')}?{urlencode([*base, *extra])}"

    tiles = [
        Tile(
            "consultations_held",
            _("Consultations held"),
            counts["held"],
            _("Four-level consultations held in the period by a unit of the area, any level."),
            url(),
        ),
        *(
            Tile(
                f"consultations_level{level.value}",
                level.label,
                counts[f"level{level.value}"],
                _("Of those, held at this level."),
                url(("level", str(level.value))),
            )
            for level in ConsultationLevel
        ),
        Tile(
            "consultations_escalated",
            _("Escalated"),
            counts["escalated"],
            _("Of those, escalated to the next level with a recorded reason."),
            url(("state", ConsultationState.ESCALATED)),
        ),
        Tile(
            "consultations_tasks_overdue",
            _("With tasks overdue"),
            counts["overdue"],
            _("Of those, with a task given to a unit not done past its due day."),
            url(("state", ConsultationState.TASKS_OVERDUE)),
            alarm=True,
        ),
    ]
    levels = "、".join(
        f"{LEVEL_NAMES[level]}{counts[f'level{level}']}次" for level in ConsultationLevel.values
    )
    text = (
        f"本期开展四级会诊{counts['held']}次，其中{levels}；提级会诊{counts['escalated']}次；"
        f"会诊交办任务超期未完成的{counts['overdue']}次。"
    )
    return SectionFigures(
        key=KEY,
        title=_("Four-level consultation"),
        tiles=tiles,
        report_heading="四级会诊",
        report_text=text,
    )


CONSULTATION_SECTION = Section(KEY, consultation_figures)
