"""What each indicator is called and how it is defined: one text for the page's hover, the
`.xlsx` export and the monthly report."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The one way a rate is shown (page, export, report), kept with the sections' registry.
from core.sections import percent  # noqa: F401


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Promise
    definition: Promise


VOLUME = (
    Indicator(
        "batches",
        _("Petitions (batches)"),
        _(
            "Petitions received in the period about matters located in the unit's area "
            "(属地), wherever they were received: each letter, visit, online submission or "
            "call is one batch."
        ),
    ),
    Indicator(
        "persons",
        _("Petitions (persons)"),
        _("The number of people on those petitions (a group visit of 30 counts 30)."),
    ),
)

ONLINE_SHARE = Indicator(
    "online_share",
    _("Online share"),
    _("Petitions submitted online / all petitions of the period, in batches."),
)
CHANNELS_DEFINITION = _(
    "Petitions of the period by how they came in; online share = online batches / all batches."
)
LEVELS_DEFINITION = _(
    "Petitions of the period about the area's matters by the level of the body that received "
    "them: national (进京), province (赴省), city (到市), district and below (到区县)."
)

SPECIAL = (
    Indicator(
        "skip_level",
        _("Skip-level visits"),
        _("Visits that went past the level with authority over the matter (越级访)."),
    ),
    Indicator(
        "group",
        _("Group visits"),
        _("Petitions by five or more people on one matter (集体访)."),
    ),
    Indicator(
        "repeat",
        _("Repeat petitions"),
        _("Petitions on a matter already registered and not closed (重复访)."),
    ),
    Indicator(
        "first_time",
        _("First-time petitions"),
        _("Petitions by people with no earlier petition in the area (初信初访)."),
    ),
)

RATES = (
    Indicator(
        "timely_acceptance_rate",
        _("Timely acceptance rate"),
        _(
            "Acceptance decisions made within their time limit / acceptance decisions due in "
            "the period, made or overdue (a decision not yet due is not counted). By the unit "
            "that had to decide."
        ),
    ),
    Indicator(
        "on_time_rate",
        _("On-time completion rate"),
        _(
            "Answers delivered in the period by the handling due date (extensions included) / "
            "answers delivered in the period. By the answering unit."
        ),
    ),
    Indicator(
        "completion_rate",
        _("Completion rate"),
        _(
            "Answers due in the period that have been delivered / answers due in the period, "
            "delivered or overdue. By the unit responsible for the answer."
        ),
    ),
    Indicator(
        "resolution_rate",
        _("Resolution rate"),
        _("Answers delivered in the period that resolved the matter / answers delivered."),
    ),
    Indicator(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _(
            "Of the answers delivered in the period that were evaluated: satisfied or "
            "basically satisfied / evaluated."
        ),
    ),
    Indicator(
        "participation_rate",
        _("Participation rate"),
        _(
            "Of the answers delivered in the period: evaluated / (evaluated + not evaluated "
            "when the evaluation window closed). Answers still within the window are not "
            "counted."
        ),
    ),
    Indicator(
        "one_time_rate",
        _("One-time completion rate"),
        _(
            "Of the first-time petitions answered in the period: those on whose matter no "
            "petition came again at any time after the first, before or after the answer (no "
            "repeat petition, no new case on the same matter after closing) / all answered."
        ),
    ),
)

WORK = (
    Indicator(
        "open",
        _("In work"),
        _(
            "Cases owned by the area's units still awaiting a decision, the answer or a "
            "review, today."
        ),
    ),
    Indicator(
        "due_soon",
        _("Due soon"),
        _(
            "Cases owned by the area's units whose next time limit falls within the reminder "
            "window, none overdue."
        ),
    ),
    Indicator(
        "overdue",
        _("Overdue"),
        _("Cases owned by the area's units with a time limit of the units' work passed, today."),
    ),
    Indicator(
        "backlog",
        _("Backlog (积案)"),
        _(
            "Cases owned by the area's units still in work six months after they were first "
            "received, or not closed with three or more petitions in two years."
        ),
    ),
)

TOP_CATEGORIES_DEFINITION = _(
    "The categories with the most petitions in the period, with the change against the "
    "previous period and the same period last year."
)
RANKING_DEFINITION = _(
    "The units directly below the chosen one, each with its whole area, ranked by on-time "
    "completion rate, then satisfaction rate, then answers delivered."
)

ALL = {indicator.key: indicator for indicator in VOLUME + SPECIAL + RATES + WORK}
