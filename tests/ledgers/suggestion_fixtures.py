"""What the people's suggestions tests build on (time frozen on 2026-11-22, a Sunday):
suggestions registered through the intake in October and November 2026, accepted and
answered through the case's services with back-entered dates.

The suggestions, counted by hand (competent unit; received; answer due; how it stands):
- A 东湖区信访局, 8 October, due 9 November (30 days from 9 October fall on Sunday 8
  November): adopted, delivered 20 October (on time); commended on 1 November;
- B 东湖区信访局, 12 October, due 11 November: partly adopted, delivered 25 October;
- C 东湖区信访局, 15 October, due 16 November (Saturday 14 November rolled on): not adopted
  for now, delivered 18 November: late;
- D 东湖区信访局, 20 October, due 19 November: still being studied: late;
- E 东湖区信访局, 10 November, due 10 December: being studied, not late;
- F 西山区信访局, 10 October: adopted, delivered 20 October (handler1 does not see it);
- a complaint of 东湖区信访局 received 8 October, answered: never on the register.

In October in 东湖区: received A B C D = 4; answered 3 (A B C); adopted 1, partly 1, not 1;
采纳率 2/3 = 66.7%; late 2 (C D); commended 1 (A). In 江城市: F too: received 5, answered 4,
adopted 2, 采纳率 3/4 = 75.0%.
"""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from cases import services
from cases.models import Case
from ledgers.suggestions.services import suggestion_commend
from tests.factories import register_petition

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def received(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def suggestion(actor, day: datetime.date, accepted: datetime.date | None = None, **kw) -> Case:
    """A suggestion received at the actor's unit on `day`, accepted on `accepted` (the same
    day by default)."""
    case = register_petition(
        actor,
        matter_kind="suggestion",
        received_at=received(day),
        summary=kw.pop("summary", "建议在东湖公园增设无障碍通道"),
        **kw,
    ).petition.case
    return services.case_accept(actor=actor, case=case, on=accepted or day)


def answer(case: Case, handler, leader, decision: str, on: datetime.date) -> Case:
    """Draft the answer with `decision`, approve and deliver it, all on `on`."""
    services.reply_draft(
        actor=handler,
        case=case,
        request="建议增设无障碍通道。",
        facts_and_reasons="经研究论证，该建议科学合理。",
        opinion=decision,
        on=on,
    )
    services.approval_decide(
        actor=leader, approval=case.approvals.get(status="pending"), approve=True, on=on
    )
    services.reply_deliver(actor=handler, case=case, method="post", on=on)
    case.refresh_from_db()
    return case


@pytest.fixture
def suggestions(handler1, handler2, city_leader, frozen_now):
    a = suggestion(handler1, D(2026, 10, 8), D(2026, 10, 9), summary="建议增设无障碍通道")
    b = suggestion(handler1, D(2026, 10, 12), summary="建议延长图书馆开放时间")
    c = suggestion(handler1, D(2026, 10, 15), summary="建议增设公交站点")
    d = suggestion(handler1, D(2026, 10, 20), summary="建议整治夜市噪声")
    e = suggestion(handler1, D(2026, 11, 10), summary="建议增设社区食堂")
    f = suggestion(handler2, D(2026, 10, 10), summary="建议西山公园增设公厕")
    answer(a, handler1, city_leader, "adopted", D(2026, 10, 20))
    answer(b, handler1, city_leader, "partly_adopted", D(2026, 10, 25))
    answer(c, handler1, city_leader, "not_adopted", D(2026, 11, 18))
    answer(f, handler2, city_leader, "adopted", D(2026, 10, 20))
    complaint = register_petition(handler1, received_at=received(D(2026, 10, 8))).petition.case
    services.case_accept(actor=handler1, case=complaint, on=D(2026, 10, 8))
    services.reply_draft(
        actor=handler1,
        case=complaint,
        request="支付工资",
        facts_and_reasons="经核实",
        opinion="support",
        legal_basis="依据",
        on=D(2026, 10, 20),
    )
    commendation = suggestion_commend(
        actor=handler1,
        case=a,
        kind="written",
        granted_on=D(2026, 11, 1),
        text="该建议已纳入公园改造计划，予以书面表扬。",
    )
    return SimpleNamespace(
        a=a, b=b, c=c, d=d, e=e, f=f, complaint=complaint, commendation=commendation
    )
