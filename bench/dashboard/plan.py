"""The course of each case of the dashboards' bench, planned in Python from one seed: when
its first petition arrived, where, and how far it got (accepted, answered, evaluated, or stuck
open), and when the repeat petitions on it arrived."""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from typing import NamedTuple

from django.utils import timezone

from cases.models import CaseStatus, DeliveryMethod, EvaluationResult, MatterKind, Opinion
from petitions.models import Channel

from .orgs import Org, Slot

# The petitions of the last three years.
DAYS = 3 * 365 + 1
# The share of petitions that open a case; the rest are repeat petitions on earlier cases.
FIRST_SHARE = 0.65
# The share of first petitions from people petitioning for the first time (about 25% of all).
FIRST_TIME_SHARE = 0.38
# Acceptance and answer clocks (信访工作条例: 15 and 60 days).
ACCEPTANCE_DAYS = 15
HANDLING_DAYS = 60
# The review request window after the answer (30 days; the bench does not roll past rest
# days). Once it has lapsed, the closing job closes the case.
REVIEW_WINDOW_DAYS = 30
# Of the cases left without a decision or an answer, those older than this are mostly
# settled late; only `KEPT_OPEN` of them stay open (the long-open part of the backlog).
STUCK_OLD_DAYS = 183
KEPT_OPEN = 0.01
# Repeat petitions that go to a few frequently petitioned cases (the other part).
FREQUENT_CASES = 400
FREQUENT_SHARE = 0.003


def weighted(*pairs: tuple[object, int]) -> list:
    """A lookup table in which each value appears as often as its weight (in percent)."""
    return [value for value, weight in pairs for _ in range(weight)]


CHANNELS = weighted(
    (Channel.LETTER, 20), (Channel.VISIT, 25), (Channel.ONLINE, 45), (Channel.PHONE, 10)
)
# Where a petition is received: the district's (or city's) petition office, or above.
LEVELS = weighted(("district", 68), ("city", 22), ("province", 8), ("national", 2))
MATTER_KINDS = weighted(
    (MatterKind.COMPLAINT, 80), (MatterKind.SUGGESTION, 10), (MatterKind.ACCUSATION, 10)
)
RESULTS = weighted(
    (EvaluationResult.SATISFIED, 82),
    (EvaluationResult.BASICALLY_SATISFIED, 11),
    (EvaluationResult.DISSATISFIED, 7),
)
OPINIONS = weighted((Opinion.SUPPORT, 50), (Opinion.EXPLAIN, 40), (Opinion.NOT_SUPPORT, 10))
DELIVERY = weighted(
    (DeliveryMethod.IN_PERSON, 30),
    (DeliveryMethod.POST, 30),
    (DeliveryMethod.SMS, 20),
    (DeliveryMethod.ONLINE, 20),
)


class CasePlan(NamedTuple):
    received_at: datetime.datetime
    received_on: datetime.date
    slot: Slot
    receiving: int
    first_time: bool
    matter_kind: str
    category: int
    status: str
    decided_on: datetime.date | None
    accepted_on: datetime.date | None
    delivered_on: datetime.date | None
    evaluated_on: datetime.date | None
    result: str
    resolved: bool


def plan_petitions(
    rng: random.Random,
    petitions: int,
    org: Org,
    categories: list[int],
    today: datetime.date,
    now: datetime.datetime,
) -> tuple[list[CasePlan], list[tuple[datetime.datetime, int]]]:
    """The cases (`FIRST_SHARE` of the petitions open one) and the repeat petitions."""
    plans = plan_cases(rng, round(petitions * FIRST_SHARE), org, categories, today, now)
    return plans, plan_repeats(rng, petitions - len(plans), plans, now)


def plan_cases(
    rng: random.Random,
    count: int,
    org: Org,
    categories: list[int],
    today: datetime.date,
    now: datetime.datetime,
) -> list[CasePlan]:
    """The cases opened by the first petitions, received over the last `DAYS` days, each with
    its course (`plan_case`)."""
    tz = timezone.get_current_timezone()
    first = today - datetime.timedelta(days=DAYS - 1)
    latest = now - datetime.timedelta(minutes=1)
    times = sorted(rng.randrange(DAYS * 600) for _ in range(count))
    rng.shuffle(categories)
    # A skewed share per category (the first ones are the most frequent).
    category_weights = list(
        itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(categories)))
    )
    offices = org.offices
    slots = org.slots
    plans = []
    midnight = {}
    for stamp in times:
        offset, minute = divmod(stamp, 600)
        day = first + datetime.timedelta(days=offset)
        if offset not in midnight:
            midnight[offset] = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz)
        received_at = min(midnight[offset] + datetime.timedelta(minutes=minute), latest)
        slot = slots[rng.randrange(len(slots))]
        level = LEVELS[rng.randrange(len(LEVELS))]
        receiving = slot.office if level == "district" else offices[level]
        category = categories[bisect.bisect(category_weights, rng.random() * category_weights[-1])]
        plans.append(
            plan_case(
                rng,
                received_at=received_at,
                received_on=day,
                slot=slot,
                receiving=receiving,
                category=category,
                today=today,
            )
        )
    return plans


def plan_repeats(
    rng: random.Random, count: int, plans: list[CasePlan], now: datetime.datetime
) -> list[tuple[datetime.datetime, int]]:
    """(received at, case index) of each repeat petition, in the order received: spread
    one per case over the cases, but a few hundred cases get several."""
    cases = len(plans)
    step = next(p for p in (7919, 7907, 7901, 7883) if cases % p)
    frequent = [index * cases // FREQUENT_CASES for index in range(FREQUENT_CASES)]
    repeats = []
    for serial in range(count):
        if rng.random() < FREQUENT_SHARE:
            index = frequent[rng.randrange(len(frequent))]
        else:
            index = serial * step % cases
        first = plans[index].received_at
        gap = datetime.timedelta(days=rng.expovariate(1 / 45))
        if first + gap > now:
            gap = (now - first) * rng.random()
        repeats.append((first + gap, index))
    repeats.sort()
    return repeats


def plan_case(
    rng: random.Random,
    *,
    received_at: datetime.datetime,
    received_on: datetime.date,
    slot: Slot,
    receiving: int,
    category: int,
    today: datetime.date,
) -> CasePlan:
    """A case's course: acceptance (most on time), the answer (most within 60 days), the
    evaluation (about 60% of answers); about 4% not accepted or diverted, and 6% stuck
    (no decision or no answer: open and overdue, most of the old ones settled late)."""
    day = datetime.timedelta(days=1)
    old = (today - received_on).days >= STUCK_OLD_DAYS
    draw = rng.random()
    stuck_acceptance, stuck_handling = draw < 0.01, 0.01 <= draw < 0.06
    refused = 0.06 <= draw < 0.1
    kept = not old or rng.random() < KEPT_OPEN
    if stuck_acceptance and not kept:
        delay = rng.randrange(ACCEPTANCE_DAYS + 1, 40)
    elif rng.random() < 0.93:
        delay = rng.randrange(0, ACCEPTANCE_DAYS + 1)
    else:
        delay = rng.randrange(ACCEPTANCE_DAYS + 1, ACCEPTANCE_DAYS + 8)
    decided = received_on + delay * day
    status = CaseStatus.REGISTERED
    decided_on = accepted_on = delivered_on = evaluated_on = None
    result, resolved = "", False
    if not (stuck_acceptance and kept) and decided <= today:
        decided_on = decided
        if refused:
            status = CaseStatus.NOT_ACCEPTED if draw < 0.09 else CaseStatus.DIVERTED
        else:
            status, accepted_on = CaseStatus.IN_PROGRESS, decided
            if stuck_handling and not kept:
                answer = rng.randrange(HANDLING_DAYS + 1, 2 * HANDLING_DAYS)
            elif rng.random() < 0.9:
                answer = rng.randrange(10, HANDLING_DAYS + 1)
            else:
                answer = rng.randrange(HANDLING_DAYS + 1, HANDLING_DAYS + 16)
            delivered = accepted_on + answer * day
            if not (stuck_handling and kept) and delivered <= today:
                delivered_on, resolved = delivered, rng.random() < 0.8
                if rng.random() < 0.6:
                    evaluated = delivered + rng.randrange(1, 25) * day
                    if evaluated <= today:
                        evaluated_on, result = evaluated, RESULTS[rng.randrange(len(RESULTS))]
                status = CaseStatus.EVALUATED if evaluated_on else CaseStatus.REPLIED
    return CasePlan(
        received_at=received_at,
        received_on=received_on,
        slot=slot,
        receiving=receiving,
        first_time=rng.random() < FIRST_TIME_SHARE,
        matter_kind=MATTER_KINDS[rng.randrange(len(MATTER_KINDS))],
        category=category,
        status=status,
        decided_on=decided_on,
        accepted_on=accepted_on,
        delivered_on=delivered_on,
        evaluated_on=evaluated_on,
        result=result,
        resolved=resolved,
    )
