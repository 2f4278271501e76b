"""People's suggestions' figures (人民建议征集) for an area and a period: the dashboard's
section, the monthly report's and the export's.

Of the suggestions the user sees (`suggestions_visible_to`: accepted suggestion cases) whose
competent (owner) unit is the area's unit or below it, received in the period:

- received (收到): all of them;
- answered (已答复): their answer delivered, whenever;
- adopted (采纳), partly adopted (部分采纳), not adopted for now (暂不采纳): the decision of
  the answer delivered;
- 采纳率 = (adopted + partly adopted) / answered (— when none was answered);
- late (超期): answered after the answer's due date, or still unanswered past it;
- commended (表扬奖励): with a commendation or award recorded.

Each tile drills down to the register filtered to exactly the rows counted.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from cases.models import Opinion
from core.sections import percent, ratio
from core.workcalendar import start_of_day
from dashboards.sections import Section, SectionFigures, Tile

from ..models import SuggestionCommendation
from .selectors import late_condition, suggestions_visible_to, with_answers

KEY = "suggestions"
COUNTED = ("received", "answered", "adopted", "partly_adopted", "not_adopted", "late", "commended")


def with_flags(cases, today: datetime.date):
    """Each case with whether it is late and commended, as columns the counts read (an
    aggregate's filter takes no reference to the outer row)."""
    commended = Exists(SuggestionCommendation.objects.filter(case=OuterRef("pk")))
    return cases.annotate(
        is_late=ExpressionWrapper(late_condition(today), output_field=BooleanField()),
        is_commended=ExpressionWrapper(Q(commended), output_field=BooleanField()),
    )


def _groups(cases) -> list[dict]:
    """The cases counted by owner unit and decision, in one query: the decision (the answer
    delivered's, None while none is) is read once a case and is the group's key, so the
    answered and each decision are counted from the groups (`_tally`)."""
    return list(
        cases.values("owner_unit__path", "decision")
        .annotate(
            received=Count("pk"),
            late=Count("pk", filter=Q(is_late=True)),
            commended=Count("pk", filter=Q(is_commended=True)),
        )
        .order_by()
    )


DECISIONS = {
    Opinion.ADOPTED: "adopted",
    Opinion.PARTLY_ADOPTED: "partly_adopted",
    Opinion.NOT_ADOPTED: "not_adopted",
}


def _tally(groups, into: dict | None = None) -> dict:
    counts = into if into is not None else dict.fromkeys(COUNTED, 0)
    for group in groups:
        for key in ("received", "late", "commended"):
            counts[key] += group[key]
        if group["decision"] is not None:
            counts["answered"] += group["received"]
        if group["decision"] in DECISIONS:
            counts[DECISIONS[group["decision"]]] += group["received"]
    return counts


def adoption_rate(counts: dict) -> float | None:
    return ratio(counts["adopted"] + counts["partly_adopted"], counts["answered"])


def suggestion_figures(
    user: User, unit: OrgUnit, start: datetime.date, end: datetime.date, today: datetime.date
) -> SectionFigures:
    period = Q(
        received_at__gte=start_of_day(start),
        received_at__lt=start_of_day(end + datetime.timedelta(days=1)),
    )
    cases = with_flags(
        with_answers(
            suggestions_visible_to(user).filter(period, owner_unit__path__startswith=unit.path)
        ),
        today,
    )
    groups = _groups(cases)
    counts = _tally(groups)
    rate = adoption_rate(counts)
    base = [
        ("area", unit.code),
        ("received_from", start.isoformat()),
        ("received_to", end.isoformat()),
    ]

    def url(*extra: tuple[str, str]) -> str:
        return f"{reverse('ledgers:suggestion_list')}?{urlencode([*base, *extra])}"

    tiles = [
        Tile(
            "suggestions_received",
            _("Suggestions received"),
            counts["received"],
            _("Suggestions received in the period and accepted, owned by a unit of the area."),
            url(),
        ),
        Tile(
            "suggestions_answered",
            _("Answered"),
            counts["answered"],
            _("Of those, whose answer was delivered."),
            url(("state", "answered")),
        ),
        Tile(
            "suggestions_adopted",
            _("Adopted"),
            counts["adopted"],
            _("Of those answered, adopted (采纳)."),
            url(("decision", Opinion.ADOPTED)),
        ),
        Tile(
            "suggestions_partly_adopted",
            _("Partly adopted"),
            counts["partly_adopted"],
            _("Of those answered, partly adopted (部分采纳)."),
            url(("decision", Opinion.PARTLY_ADOPTED)),
        ),
        Tile(
            "suggestions_not_adopted",
            _("Not adopted for now"),
            counts["not_adopted"],
            _("Of those answered, not adopted for now (暂不采纳)."),
            url(("decision", Opinion.NOT_ADOPTED)),
        ),
        Tile(
            "suggestions_adoption_rate",
            _("Adoption rate"),
            rate,
            _("(Adopted + partly adopted) / answered (采纳率)."),
            url(("adopted", "true")),
            rate=True,
        ),
        Tile(
            "suggestions_late",
            _("Late"),
            counts["late"],
            _("Of those, answered after the time limit, or still unanswered past it."),
            url(("late", "true")),
            alarm=True,
        ),
        Tile(
            "suggestions_commended",
            _("Commended"),
            counts["commended"],
            _("Of those, whose suggester was commended or rewarded."),
            url(("commended", "true")),
        ),
    ]
    by_unit = unit_rows(groups, unit)
    text = (
        f"本期收到人民建议{counts['received']}件，已答复{counts['answered']}件，其中采纳"
        f"{counts['adopted']}件、部分采纳{counts['partly_adopted']}件、暂不采纳"
        f"{counts['not_adopted']}件，采纳率{percent(rate)}；超期答复或逾期未答复"
        f"{counts['late']}件；给予表扬奖励{counts['commended']}件。"
    )
    return SectionFigures(
        key=KEY,
        title=_("People's suggestions"),
        tiles=tiles,
        report_heading="人民建议征集",
        report_text=text,
        report_table=(
            "人民建议办理情况",
            [
                "单位",
                "收到",
                "已答复",
                "采纳",
                "部分采纳",
                "暂不采纳",
                "采纳率",
                "超期",
                "表扬奖励",
            ],
        ),
        table_columns=[
            (_("Unit"), "text"),
            (_("Suggestions received"), "int"),
            (_("Answered"), "int"),
            (_("Adopted"), "int"),
            (_("Partly adopted"), "int"),
            (_("Not adopted for now"), "int"),
            (_("Adoption rate"), "rate"),
            (_("Late"), "int"),
            (_("Commended"), "int"),
        ],
        table_rows=[
            [
                row["name"],
                row["received"],
                row["answered"],
                row["adopted"],
                row["partly_adopted"],
                row["not_adopted"],
                row["rate"],
                row["late"],
                row["commended"],
            ]
            for row in by_unit
        ],
    )


def unit_rows(groups: list[dict], area: OrgUnit) -> list[dict]:
    """The figures per unit directly below the area (the suggestions the area's unit owns
    itself counted as its own row), the most received first: `_groups` rolled up by path."""
    children = list(
        OrgUnit.objects.filter(parent=area, is_active=True)
        .only("pk", "name", "path")
        .order_by("path")
    )
    rows = {child.path: {"name": child.name, **dict.fromkeys(COUNTED, 0)} for child in children}
    own = {"name": area.name, **dict.fromkeys(COUNTED, 0)}
    for group in groups:
        path = group["owner_unit__path"]
        _tally([group], next((rows[p] for p in rows if path.startswith(p)), own))
    result = [row for row in [own, *rows.values()] if row["received"]]
    for row in result:
        row["rate"] = adoption_rate(row)
    return sorted(result, key=lambda row: -row["received"])


SUGGESTION_SECTION = Section(KEY, suggestion_figures)
