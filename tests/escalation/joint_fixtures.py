"""Fixtures and helpers shared by the joint supervision tests (imported by test_joint_*.py)."""

from __future__ import annotations

import datetime

import pytest

from escalation.joint.services.opening import PartyDraft, joint_supervision_open
from escalation.models import PartyRole
from tests.factories import petitioner, register_petition

D = datetime.date
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"

TASKS = {
    PartyRole.TRACKING: "跟踪督办全过程，每周汇总进展",
    PartyRole.BUSINESS: "组织调解，依法作出处理决定",
    PartyRole.STABILITY: "做好信访人思想疏导工作",
    PartyRole.JUDICIAL: "为信访人提供法律援助",
    PartyRole.DISCIPLINE: "对相关单位履职情况审计查处",
}
DUES = {
    PartyRole.TRACKING: D(2026, 12, 18),
    PartyRole.BUSINESS: D(2026, 12, 10),
    PartyRole.STABILITY: D(2026, 12, 4),
    PartyRole.JUDICIAL: D(2026, 12, 8),
    PartyRole.DISCIPLINE: D(2026, 12, 15),
}


def new_case(handler, **overrides):
    """A complaint registered at the handler's unit on Saturday 2026-11-21 and accepted."""
    from cases import services

    values = {
        "received_at": datetime.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI),
        "summary": "某建筑公司拖欠农民工工资三个月",
        "content": f"信访人（身份证{ID_NUMBER}，电话{PHONE}）反映某公司拖欠工资，多次讨要未果。",
        "petitioners": [petitioner(id_number=ID_NUMBER, phone=PHONE)],
    }
    values.update(overrides)
    case = register_petition(handler, **values).petition.case
    return services.case_accept(actor=handler, case=case)


def drafts_for(units, **changes) -> list[PartyDraft]:
    """The five parties of `party_units` (a role's draft replaced by `changes[role]`; None
    leaves it out)."""
    drafts = []
    for role in PartyRole.values:
        draft = PartyDraft(
            role=role, unit=getattr(units, role), task=TASKS[role], due_on=DUES[role]
        )
        if role in changes:
            draft = changes[role]
        if draft is not None:
            drafts.append(draft)
    return drafts


@pytest.fixture
def joint_case(handler1, frozen_now):
    return new_case(handler1)


@pytest.fixture
def supervision(d1_supervisor, joint_case, party_units, party_users):
    """A joint supervision opened by the district-1 supervisor on `joint_case`."""
    return joint_supervision_open(
        actor=d1_supervisor, case=joint_case, parties=drafts_for(party_units)
    )


def answer(case, handler, leader) -> None:
    """Draft, approve and deliver a reply on an accepted case."""
    from cases import services

    services.reply_draft(
        actor=handler,
        case=case,
        request="支付工资",
        facts_and_reasons="经核实，公司拖欠工资属实。",
        opinion="support",
        legal_basis="《劳动合同法》第三十条",
        resolved=True,
    )
    services.approval_decide(actor=leader, approval=case.approvals.get(), approve=True)
    services.reply_deliver(actor=handler, case=case, method="in_person")
