"""What the demo's units do with the cases, carried out through `cases.services` with
back-entered dates (补录), so that every clock, approval and timeline event is the one the
application itself would have written.

A `Script` collects dated steps; `carry_out` registers the petitions and runs the steps in
one chronological order, so that a repeat petition arrives on a case in the state it was in
on that day. `VolumeHandling` gives the everyday petitions a plausible course by their age;
stories.py scripts the scenarios and the showcase cases step by step.
"""

from __future__ import annotations

import datetime
import heapq
import random
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import OrgKind, OrgLevel, OrgUnit, User
from cases import services
from cases.models import (
    ANSWER_CLOCKS,
    Approval,
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseStatus,
    MatterKind,
    NotAcceptReason,
    Opinion,
    WrittenNotice,
)
from core.exceptions import NotAllowed

from ..orgs import UNIT_SPECS
from .answers import (
    DIVERSIONS,
    EVALUATION_NOTES,
    INSTRUCTIONS,
    NOT_ACCEPT_TEXT,
    NOT_REVIEWED_TEXT,
    REPORTS,
    facts,
    legal_basis,
)
from .plan import CALENDAR, Plan, Registrar, ancestors, district_of, places, township_of

ONE_DAY = datetime.timedelta(days=1)

# Who works a unit's cases: its own account (the unit code in lower case), except the
# district petition offices, which have the named demo handlers.
HANDLERS = {"JZD1XFJ": "handler1", "JZD2XFJ": "handler2"}
# Who signs for an assignment addressed to a district government: its petition office.
SIGNERS = {"JZD1": "handler1", "JZD2": "handler2", "JZD3": "jzd3xfj"}
# Where a petition office sends an accusation (Art. 30): the discipline body of its level.
DISCIPLINE = {"JZXFJ": "JZJW", "JNXFJ": "JZJW", "JZD1XFJ": "JZD1JW", "JZD2XFJ": "JZD2JW"}
DISCIPLINE["JZD3XFJ"] = "JZD3JW"


def handler_of(code: str) -> str:
    return HANDLERS.get(code, code.lower())


def signer_of(code: str) -> str:
    return SIGNERS.get(code, handler_of(code))


def leader_of(code: str) -> str:
    """The leader who approves for a unit: its district's, else the city's leader1, else the
    province's."""
    district = district_of(code)
    if district is not None:
        return f"{district.code.lower()}-leader"
    return "leader1" if "JZ" in ancestors(code) else "jn-leader"


def workday_on_or_after(day: datetime.date) -> datetime.date:
    return CALENDAR.next_workday_on_or_after(day)


def workday_on_or_before(day: datetime.date) -> datetime.date:
    while not CALENDAR.is_workday(day):
        day -= ONE_DAY
    return day


@dataclass
class Step:
    on: datetime.date
    seq: int
    plan: Plan
    action: str
    args: dict = field(default_factory=dict)


class Script:
    """The dated steps of all cases. Nothing is dated after `today`."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.steps: list[Step] = []

    def case(self, plan: Plan) -> CaseScript:
        return CaseScript(self, plan)


class CaseScript:
    """The steps of one case, in order: a step is never dated before the one before it, and
    once a step would fall after today, it and everything after it have not happened yet."""

    def __init__(self, script: Script, plan: Plan) -> None:
        self.script = script
        self.plan = plan
        self.last = timezone.localdate(plan.received_at)
        self.stopped = False

    def at(self, day: datetime.date, action: str, **args) -> bool:
        day = max(day, self.last)
        if self.stopped or day > self.script.today:
            self.stopped = True
            return False
        self.last = day
        steps = self.script.steps
        steps.append(Step(day, len(steps), self.plan, action, args))
        return True


class Runner:
    """Carries out steps through the case services, as the named accounts."""

    def __init__(self, units: dict[str, OrgUnit], users: dict[str, User]) -> None:
        self.units = units
        self.users = users

    def run(self, step: Step) -> None:
        case = Case.objects.select_related("owner_unit").get(pk=step.plan.petition.case_id)
        args = dict(step.args)
        actor = self.users[args.pop("by")]
        getattr(self, f"do_{step.action}")(actor, case, step.on, **args)

    # --- acceptance ---------------------------------------------------------------------

    def do_accept(self, actor, case, on, *, simplified=False, comment=""):
        services.case_accept(actor=actor, case=case, simplified=simplified, comment=comment, on=on)

    def do_forward(self, actor, case, on, *, to, comment=""):
        services.case_forward(
            actor=actor, case=case, to_unit=self.units[to], comment=comment, on=on
        )

    def do_not_accept(self, actor, case, on, *, reason, text="", earlier=""):
        services.case_propose_not_accept(
            actor=actor,
            case=case,
            reason=reason,
            text=text,
            earlier_case=Case.objects.get(number=earlier) if earlier else None,
            on=on,
        )

    def do_divert(self, actor, case, on, *, channel, guided_to):
        services.case_divert(actor=actor, case=case, channel=channel, guided_to=guided_to, on=on)

    # --- assignments --------------------------------------------------------------------

    def do_assign(self, actor, case, on, *, lead, days, instructions, person="", co=()):
        due = on + datetime.timedelta(days=days)
        answer_due = (
            case.deadlines.filter(kind__in=ANSWER_CLOCKS, met_at__isnull=True)
            .values_list("due_on", flat=True)
            .first()
        )
        if answer_due is not None:
            due = min(due, answer_due)
        signer = self.users[signer_of(lead)]
        services.case_assign(
            actor=actor,
            case=case,
            lead_unit=self.units[lead],
            co_units=[self.units[code] for code in co],
            responsible_person=person or signer.get_full_name(),
            instructions=instructions,
            due_on=due,
            on=on,
        )

    def _assignment(self, case: Case, status: str) -> Assignment:
        return case.assignments.filter(status=status).select_related("lead_unit").latest("pk")

    def do_sign(self, actor, case, on):
        assignment = self._assignment(case, AssignmentStatus.ASSIGNED)
        services.assignment_sign(actor=actor, assignment=assignment, on=on)

    def do_report(self, actor, case, on, *, text):
        assignment = self._assignment(case, AssignmentStatus.SIGNED)
        services.assignment_report(actor=actor, assignment=assignment, report=text, on=on)

    # --- handling and the answer --------------------------------------------------------

    def do_sponsor(self, actor, case, on, *, staff, days, responsibility):
        services.case_sponsor(
            actor=actor,
            case=case,
            staff=self.users[staff],
            due_on=on + datetime.timedelta(days=days),
            responsibility=responsibility,
            on=on,
        )

    def do_extend(self, actor, case, on, *, days, reason):
        services.case_request_extension(actor=actor, case=case, days=days, reason=reason, on=on)

    def do_decide(self, actor, case, on, *, kind, approve=True, instruction=""):
        approval = Approval.objects.select_related("case__owner_unit").get(
            case=case, kind=kind, status=ApprovalStatus.PENDING
        )
        services.approval_decide(
            actor=actor, approval=approval, approve=approve, instruction=instruction, on=on
        )

    def do_reply(self, actor, case, on, *, request, facts, opinion, basis, resolved=False):
        services.reply_draft(
            actor=actor,
            case=case,
            request=request,
            facts_and_reasons=facts,
            opinion=opinion,
            legal_basis=basis,
            resolved=resolved,
            on=on,
        )

    def do_deliver(self, actor, case, on, *, method):
        services.reply_deliver(actor=actor, case=case, method=method, on=on)

    def do_evaluate(self, actor, case, on, *, result, contact, note=""):
        services.case_evaluate(
            actor=actor, case=case, result=result, contact=contact, note=note, on=on
        )

    # --- review, re-review, hearing -----------------------------------------------------

    def do_request_review(self, actor, case, on, *, request):
        services.case_request_review(actor=actor, case=case, request=request, on=on)

    def do_review(self, actor, case, on, *, decision, opinion):
        services.case_review(actor=actor, case=case, decision=decision, opinion=opinion, on=on)

    def do_request_rereview(self, actor, case, on, *, request):
        services.case_request_rereview(actor=actor, case=case, request=request, on=on)

    def do_hearing(self, actor, case, on, *, days, note):
        services.case_record_hearing(
            actor=actor,
            case=case,
            starts_on=on,
            ends_on=on + datetime.timedelta(days=days - 1),
            note=note,
        )

    def do_rereview(self, actor, case, on, *, decision, opinion):
        services.case_rereview(actor=actor, case=case, decision=decision, opinion=opinion, on=on)


def carry_out(
    plans: list[Plan],
    script: Script,
    units: dict[str, OrgUnit],
    users: dict[str, User],
    *,
    seed: int | str = 0,
) -> None:
    """Register the plans and run the steps in the order they happened: a day's petitions
    (by time of receipt) before that day's steps (in the order they were scripted). Each day
    starts with the closing job (`cases_close_lapsed`) as beat runs it, so a case closes on the
    day after its last window ended and a petition that comes later finds it closed, and
    with the written notices due that day handed over (`NoticeDesk`). A
    repeat that came after its case had closed opened a new case (see `Registrar`); an
    everyday one is then refused as already answered (`refuse_reopened`)."""
    registrar = Registrar(plans, units)
    runner = Runner(units, users)
    desk = NoticeDesk(random.Random(f"{seed}-notices"), users)
    timeline: list[tuple[tuple, Plan | Step]] = [
        ((timezone.localdate(plan.received_at), 0, plan.received_at.timestamp(), i), plan)
        for i, plan in enumerate(plans)
    ]
    timeline += [((step.on, 1, 0.0, step.seq), step) for step in script.steps]
    heapq.heapify(timeline)  # steps scripted on the way join it in their place
    closed_before = None
    while timeline:
        (day, *_rest), item = heapq.heappop(timeline)
        if day != closed_before:
            services.cases_close_lapsed(today=day)
            desk.deliver(day)
            closed_before = day
        if isinstance(item, Step):
            runner.run(item)
            continue
        registrar.register(item)
        for step in refuse_reopened(script, item):
            heapq.heappush(timeline, ((step.on, 1, 0.0, step.seq), step))
    services.cases_close_lapsed(today=script.today)
    desk.deliver(script.today)


def refuse_reopened(script: Script, plan: Plan) -> list[Step]:
    """The office's decision on an everyday repeat that came after its matter's case had
    closed: not accepted, the matter having been answered without a review request in time
    (the story cases decide for themselves)."""
    if plan.reopened_from is None or plan.scenario or plan.key:
        return []
    case = Case.objects.select_related("same_matter_as").get(pk=plan.petition.case_id)
    earlier = case.same_matter_as or plan.reopened_from
    if earlier.status != CaseStatus.CLOSED:
        return []
    delivered = earlier.replies.filter(delivered_on__isnull=False).latest("pk").delivered_on
    owner = plan.receiving
    proposed = workday_on_or_after(timezone.localdate(plan.received_at) + ONE_DAY)
    date = f"{delivered.year}年{delivered.month}月{delivered.day}日"
    text = NOT_REVIEWED_TEXT.format(date=date, number=earlier.number)
    steps = script.case(plan)
    first = len(script.steps)
    if steps.at(
        proposed,
        "not_accept",
        by=handler_of(owner),
        reason=NotAcceptReason.NOT_REVIEWED_IN_TIME,
        text=text,
        earlier=earlier.number,
    ):
        steps.at(
            workday_on_or_after(proposed + ONE_DAY),
            "decide",
            by=leader_of(owner),
            kind="not_accept",
            instruction="同意。",
        )
    return script.steps[first:]


# --- the everyday petitions ---------------------------------------------------------------

OPINIONS = (Opinion.SUPPORT, Opinion.EXPLAIN, Opinion.NOT_SUPPORT)
EVALUATIONS = ("satisfied", "basically_satisfied", "dissatisfied")
# Evaluation odds by opinion: support mostly satisfies, a refusal mostly does not.
EVALUATION_WEIGHTS = {
    Opinion.SUPPORT: (85, 13, 2),
    Opinion.EXPLAIN: (55, 30, 15),
    Opinion.NOT_SUPPORT: (25, 30, 45),
    Opinion.ADOPTED: (90, 9, 1),
    Opinion.PARTLY_ADOPTED: (70, 25, 5),
    Opinion.NOT_ADOPTED: (45, 40, 15),
}
# A suggestion's decision (Art. 29): adopted, partly adopted, not adopted for now.
DECISIONS = (Opinion.ADOPTED, Opinion.PARTLY_ADOPTED, Opinion.NOT_ADOPTED)
DELIVERY = {"in_person": 40, "post": 25, "sms": 15, "online": 20}


def assignment_lead(owner: str, location: str) -> str | None:
    """The unit below `owner` that an assignment about `location` goes to, if any: the city
    office assigns to the district, a district office to the township or the business
    department concerned, a township to the village or community."""
    spec = UNIT_SPECS[owner]
    chain = ancestors(location)
    if spec.kind == OrgKind.PETITION_OFFICE:
        government = spec.parent
        if government not in chain or location == government:
            return None
        if UNIT_SPECS[government].level == OrgLevel.CITY:
            district = district_of(location)
            if district is not None:
                return district.code
        town = township_of(location)
        if town is not None:
            return town.code
        place = UNIT_SPECS[location]
        return location if place.kind == OrgKind.BUSINESS else None
    if spec.level == OrgLevel.TOWNSHIP and location != owner and owner in chain:
        return location
    return None


class VolumeHandling:
    """A plausible course for each everyday case by its age: the newest still wait for the
    acceptance decision; the others are forwarded (province, accusations), diverted,
    refused, or accepted (some assigned, signed for and reported back), answered mostly
    within the time limit, delivered and evaluated on a follow-up call."""

    def __init__(self, rng: random.Random, script: Script) -> None:
        self.rng = rng
        self.script = script
        self.today = script.today

    def after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return workday_on_or_after(day + datetime.timedelta(days=self.rng.randint(low, high)))

    def plan_all(self, plans: list[Plan]) -> None:
        with_repeats = {id(plan.parent) for plan in plans if plan.parent is not None}
        for plan in plans:
            if plan.parent is None and not plan.key:
                self.plan_case(plan, has_repeats=id(plan) in with_repeats)

    def plan_case(self, plan: Plan, *, has_repeats: bool) -> None:
        rng = self.rng
        received = timezone.localdate(plan.received_at)
        age = (self.today - received).days
        if age < 3 or (age < 12 and rng.random() < 0.5):
            return  # still awaiting the acceptance decision
        case = self.script.case(plan)
        owner = plan.receiving
        decided = self.after(received, 0, 4)
        accusation = plan.matter_kind == MatterKind.ACCUSATION
        if accusation or owner == "JNXFJ":
            target = DISCIPLINE[owner] if accusation else "JZXFJ"
            if not case.at(decided, "forward", by=handler_of(owner), to=target):
                return
            owner, decided = target, self.after(decided, 1, 4)
        handler = handler_of(owner)

        diversion = DIVERSIONS.get(plan.category)
        if diversion and not has_repeats and rng.random() < 0.6:
            channel, body = diversion
            district = district_of(plan.location)
            guided_to = body.format(district=district.name if district else "江州市")
            case.at(decided, "divert", by=handler, channel=channel, guided_to=guided_to)
            return
        if plan.category == "16" and not has_repeats and rng.random() < 0.5:
            text = NOT_ACCEPT_TEXT
            if case.at(decided, "not_accept", by=handler, reason="outside_remit", text=text):
                decided = self.after(decided, 1, 2)
                case.at(decided, "decide", by=leader_of(owner), kind="not_accept")
            return

        place = places(plan.location, rng)["place"]
        lead = assignment_lead(owner, plan.location)
        ready = decided  # when the unit has what it needs to answer
        if lead is not None and rng.random() < 0.3:
            if not case.at(
                decided,
                "assign",
                by=handler,
                lead=lead,
                days=rng.randint(15, 30),
                instructions=rng.choice(INSTRUCTIONS),
            ):
                return
            if not case.at(self.after(decided, 0, 2), "sign", by=signer_of(lead)):
                return
            ready = self.after(decided, 8, 14)
            text = rng.choice(REPORTS).format(place=place)
            if not case.at(ready, "report", by=signer_of(lead), text=text):
                return
        elif not case.at(decided, "accept", by=handler):
            return
        if rng.random() < 0.04:
            return  # stalled: unanswered, overdue once its time limit has passed

        late = rng.random() < 0.06
        suggestion = plan.matter_kind == MatterKind.SUGGESTION
        # A suggestion is answered within 30 days (its own clock), a complaint within 60.
        if suggestion:
            drafted = self.after(decided, 31, 38) if late else self.after(decided, 7, 24)
        else:
            drafted = self.after(decided, 58, 70) if late else self.after(decided, 12, 50)
        drafted = max(drafted, ready)
        if suggestion:
            opinion = rng.choices(DECISIONS, weights=(45, 35, 20))[0]
        else:
            opinion = rng.choices(OPINIONS, weights=(55, 30, 15))[0]
        reply = {
            "request": plan.demands or plan.summary,
            "facts": facts(
                opinion,
                suggestion=suggestion,
                unit=UNIT_SPECS[owner].name,
                place=place,
                summary=plan.summary,
            ),
            "opinion": opinion,
            "basis": legal_basis(rng, plan.category),
            "resolved": opinion in (Opinion.SUPPORT, Opinion.ADOPTED)
            or (opinion in (Opinion.EXPLAIN, Opinion.PARTLY_ADOPTED) and rng.random() < 0.5),
        }
        if not case.at(drafted, "reply", by=handler, **reply):
            return
        approved = self.after(drafted, 0, 2)
        if not case.at(approved, "decide", by=leader_of(owner), kind="reply"):
            return
        method = rng.choices(list(DELIVERY), weights=list(DELIVERY.values()))[0]
        if plan.channel == "online" and rng.random() < 0.7:
            method = "online"
        delivered = self.after(approved, 0, 3)
        if not case.at(delivered, "deliver", by=handler, method=method):
            return
        if rng.random() < 0.85:
            result = rng.choices(EVALUATIONS, weights=EVALUATION_WEIGHTS[opinion])[0]
            case.at(
                self.after(delivered, 1, 15),
                "evaluate",
                by=handler,
                result=result,
                contact=plan.parties[0].person.name,
                note=rng.choice(EVALUATION_NOTES[result]),
            )


# How the written notices reach the petitioners who did not write in online (those are
# delivered on the portal as they are issued).
NOTICE_DELIVERY = {"in_person": 45, "post": 40, "sms": 15}


class NoticeDesk:
    """Hands over or posts each written notice one to four working days after its issue, as
    an office does, by a handler of the issuing unit; those issued in the last days still
    wait on `today` (the reminder scan chases an acceptance notice past its due day)."""

    def __init__(self, rng: random.Random, users: dict[str, User]) -> None:
        self.rng = rng
        self.users = users
        self.due: dict[int, datetime.date] = {}

    def deliver(self, day: datetime.date) -> None:
        """At the start of `day`: record the delivery, on `day`, of every notice due by then
        (on the day itself, so that a timeline never runs backwards)."""
        waiting = WrittenNotice.objects.filter(delivered_on__isnull=True).select_related("unit")
        for notice in waiting.order_by("issued_on", "pk"):
            later = datetime.timedelta(days=self.rng.randint(1, 4))
            due = self.due.setdefault(notice.pk, workday_on_or_after(notice.issued_on + later))
            actor = self.users.get(handler_of(notice.unit.code))
            if due > day or actor is None:
                continue
            weights = list(NOTICE_DELIVERY.values())
            method = self.rng.choices(list(NOTICE_DELIVERY), weights=weights)[0]
            try:
                services.notice_deliver(actor=actor, notice=notice, method=method, on=day)
            except NotAllowed:  # no demo account works this unit's notices
                self.due[notice.pk] = datetime.date.max
