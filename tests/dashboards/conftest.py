"""A hand-counted month: October 2026 in 江城市 (CT), with September 2026 as the previous
period and October 2025 as the same period last year; "today" is 22 November 2026.

Petitions of October 2026 (matter location → the area they count in):

    P1  letter  D1 community  received D1XFJ (district)  1 person   first-time   0301
    P2  visit   D1 street     received CTXFJ (city)      3 persons  skip-level   0301
    P3  visit   D2 community  received PRXFJ (province)  6 persons  group, skip  0201
    P4  online  D1 business   received D1XFJ (district)  1 person   repeat (→C1) 0301
    P5  phone   D2 street     received D2XFJ (district)  2 persons  first-time   0201
    P6  online  CT business   received CTXFJ (city)      1 person                0201
    P7  visit   云城市 (other city, never counted here)  4 persons
    September 2026: P8 letter D1 2 persons (0301).  October 2025: P9 D1 1 person (0301),
    P10 D2 5 persons (0201).

Acceptance decisions due in October: A1 C1 D1XFJ due 10-10 met 10-08 (on time); A2 C2
CTXFJ due 10-15 met 10-20 (late); A3 C3 D2XFJ due 10-20 open (overdue); A4 C5 D2XFJ due
10-25 met 10-25 (on time); A5 云城市 (not counted).

Answers delivered in October (answering unit): R1 C1 D1XFJ 10-12 on time, resolved,
first-time, satisfied, then repeated by P4 (10-25); R2 C2 CTXFJ 10-18 late, dissatisfied;
R3 C5 D2XFJ 10-28 on time, resolved, first-time, not evaluated, window open till 11-27;
R4 C6 CTJY 10-05 on time, not evaluated, window closed 11-04.

Answer clocks due in October: H1 C1 due 10-30 met 10-12; H2 C2 due 10-14 met 10-18; H3 C3
due 10-22 open; H4 C6 (simplified) due 10-06 met 10-05. C5's is due 11-26 (not October).

Open work today: C3 (D2, overdue), C7 (D1XFJ, answer due 11-24: due soon), C8 (D1JY,
acceptance due 12-10), C9 (D1XFJ, in work since 2026-03-01: backlog, sponsored), C11
(D1XFJ, in work since 2026-07-01); C10 (D2XFJ, replied, petitions 2025-12, 2026-02, 2026-06:
backlog).
"""

import datetime
from types import SimpleNamespace

import pytest

from cases.models import CaseStatus, DeadlineKind, EvaluationResult
from petitions.models import Channel
from tests.factories import category

from .builders import make_answer, make_case, make_clock, make_evaluation, make_petition

D = datetime.date
TODAY = D(2026, 11, 22)
ACCEPT = DeadlineKind.ACCEPTANCE
HANDLING = DeadlineKind.HANDLING


@pytest.fixture
def october(org, frozen_now, city_supervisor, d1_supervisor, city_leader):
    clerk = city_supervisor
    wages, land = category("0301"), category("0201")

    def petition(case, day, channel, receiving, location, cat, persons=1, **flags):
        return make_petition(
            case,
            day,
            channel=channel,
            receiving=receiving,
            location=location,
            category=cat,
            persons=persons,
            by=clerk,
            **flags,
        )

    c1 = make_case(org.d1_office, D(2026, 10, 3), location=org.d1_community, is_first_time=True)
    c2 = make_case(org.city_office, D(2026, 10, 4), location=org.d1_street)
    c3 = make_case(org.d2_office, D(2026, 10, 5), location=org.d2_community)
    c5 = make_case(org.d2_office, D(2026, 10, 9), location=org.d2_street, is_first_time=True)
    c6 = make_case(org.city_business, D(2026, 10, 1), simplified=True)
    other = make_case(org.other_city_office, D(2026, 10, 2))
    petition(
        c1,
        D(2026, 10, 3),
        Channel.LETTER,
        org.d1_office,
        org.d1_community,
        wages,
        is_first_time=True,
    )
    petition(
        c2,
        D(2026, 10, 4),
        Channel.VISIT,
        org.city_office,
        org.d1_street,
        wages,
        3,
        is_skip_level=True,
    )
    petition(
        c3,
        D(2026, 10, 5),
        Channel.VISIT,
        org.province_office,
        org.d2_community,
        land,
        6,
        is_group=True,
        is_skip_level=True,
    )
    petition(
        c1, D(2026, 10, 25), Channel.ONLINE, org.d1_office, org.d1_business, wages, is_repeat=True
    )
    petition(
        c5, D(2026, 10, 9), Channel.PHONE, org.d2_office, org.d2_street, land, 2, is_first_time=True
    )
    petition(c6, D(2026, 10, 1), Channel.ONLINE, org.city_office, org.city_business, land)
    petition(
        other, D(2026, 10, 2), Channel.VISIT, org.other_city_office, org.other_city_office, land, 4
    )
    september = make_case(org.d1_office, D(2026, 9, 12), status=CaseStatus.REPLIED)
    petition(september, D(2026, 9, 12), Channel.LETTER, org.d1_office, org.d1_office, wages, 2)
    last_year = make_case(org.d1_office, D(2025, 10, 8), status=CaseStatus.REPLIED)
    petition(last_year, D(2025, 10, 8), Channel.VISIT, org.d1_office, org.d1_street, wages)
    petition(
        last_year,
        D(2025, 10, 20),
        Channel.VISIT,
        org.d1_office,
        org.d2_street,
        land,
        5,
        is_repeat=True,
    )

    make_clock(c1, ACCEPT, D(2026, 10, 10), met=D(2026, 10, 8))
    make_clock(c2, ACCEPT, D(2026, 10, 15), met=D(2026, 10, 20))
    make_clock(c3, ACCEPT, D(2026, 10, 20))
    make_clock(c5, ACCEPT, D(2026, 10, 25), met=D(2026, 10, 25))
    make_clock(other, ACCEPT, D(2026, 10, 12), met=D(2026, 10, 11))

    make_clock(c1, HANDLING, D(2026, 10, 30), met=D(2026, 10, 12))
    make_clock(c2, HANDLING, D(2026, 10, 14), met=D(2026, 10, 18))
    make_clock(c3, HANDLING, D(2026, 10, 22))
    make_clock(c5, HANDLING, D(2026, 11, 26), met=D(2026, 10, 28))
    make_clock(c6, DeadlineKind.SIMPLIFIED_ANSWER, D(2026, 10, 6), met=D(2026, 10, 5))

    make_answer(c1, D(2026, 10, 12), on_time=True, resolved=True, by=clerk)
    make_evaluation(c1, D(2026, 10, 20), EvaluationResult.SATISFIED, by=clerk)
    make_answer(c2, D(2026, 10, 18), on_time=False, resolved=False, by=clerk)
    make_evaluation(c2, D(2026, 10, 30), EvaluationResult.DISSATISFIED, by=clerk)
    make_answer(c5, D(2026, 10, 28), on_time=True, resolved=True, by=clerk)
    make_answer(c6, D(2026, 10, 5), on_time=True, resolved=False, by=clerk)

    c7 = make_case(org.d1_office, D(2026, 11, 10), status=CaseStatus.IN_PROGRESS)
    make_clock(c7, HANDLING, D(2026, 11, 24))
    c8 = make_case(org.d1_business, D(2026, 11, 20), status=CaseStatus.REGISTERED)
    make_clock(c8, ACCEPT, D(2026, 12, 10))
    c9 = make_case(
        org.d1_office, D(2026, 3, 1), status=CaseStatus.IN_PROGRESS, sponsoring_leader=city_leader
    )
    make_clock(c9, HANDLING, D(2026, 12, 31))
    c11 = make_case(org.d1_office, D(2026, 7, 1), status=CaseStatus.IN_PROGRESS)
    make_clock(c11, HANDLING, D(2026, 12, 15))
    c10 = make_case(org.d2_office, D(2025, 12, 1), status=CaseStatus.REPLIED)
    for day in (D(2025, 12, 1), D(2026, 2, 1), D(2026, 6, 1)):
        petition(c10, day, Channel.LETTER, org.d2_office, org.d2_office, land)

    return SimpleNamespace(
        c1=c1,
        c2=c2,
        c3=c3,
        c5=c5,
        c6=c6,
        c7=c7,
        c8=c8,
        c9=c9,
        c10=c10,
        c11=c11,
        clerk=clerk,
        wages=wages,
        land=land,
    )
