"""Role × action matrix over every API step (issue 3 acceptance): each case is set up in the
state its action needs, so the only reason for a refusal is who asks.

Columns: reception (reception1, city petition office), the handler of the unit whose turn
it is ("own": handler1 for the owner unit D1XFJ; street_handler for the street office's
assignment; d1_handler for the review at D1; city_handler for the re-review at CT), a
handler of another district (handler2: the case is not in its scope), a leader
(city_leader) and a supervisor (city_supervisor). Allowed → 2xx, wrong role → 403,
invisible → 404; a refused request writes nothing."""

from dataclasses import dataclass, field

import pytest

from cases import services
from cases.models import Case, CaseEvent
from tests.cases.test_api import APPROVALS, api, case_url, written
from tests.factories import register_petition

ROLES = ("reception", "own", "other", "leader", "supervisor")
ROLE_USERS = {
    "reception": "reception1",
    "other": "handler2",
    "leader": "city_leader",
    "supervisor": "city_supervisor",
}
OWNER = "handler1"


# --- case states ---------------------------------------------------------------------------------


def registered(users) -> Case:
    return register_petition(users.handler1).petition.case


def simplified(users) -> Case:
    return services.case_accept(actor=users.handler1, case=registered(users), simplified=True)


def accepted(users) -> Case:
    return services.case_accept(actor=users.handler1, case=registered(users))


def assigned(users) -> Case:
    case = accepted(users)
    services.case_assign(
        actor=users.handler1,
        case=case,
        lead_unit=users.street_handler.org_unit,
        responsible_person="孙街道",
        instructions="请核实并报告",
        due_on=case.deadlines.get(kind="handling").due_on,
    )
    return case


def signed(users) -> Case:
    case = assigned(users)
    services.assignment_sign(actor=users.street_handler, assignment=case.assignments.get())
    return case


def reply_pending(users) -> Case:
    case = accepted(users)
    services.reply_draft(
        actor=users.handler1,
        case=case,
        request="支付工资",
        facts_and_reasons="经核实",
        opinion="support",
        legal_basis="《劳动合同法》",
    )
    return case


def reply_approved(users) -> Case:
    case = reply_pending(users)
    services.approval_decide(
        actor=users.city_leader, approval=case.approvals.get(kind="reply"), approve=True
    )
    return case


def replied(users) -> Case:
    case = reply_approved(users)
    services.reply_deliver(actor=users.handler1, case=case, method="in_person")
    return case


def review_requested(users) -> Case:
    case = replied(users)
    services.case_request_review(actor=users.d1_handler, case=case, request="不服")
    return case


def reviewed(users) -> Case:
    case = review_requested(users)
    services.case_review(actor=users.d1_handler, case=case, decision="uphold", opinion="维持")
    return case


def rereview_requested(users) -> Case:
    case = reviewed(users)
    services.case_request_rereview(actor=users.city_handler, case=case, request="仍不服")
    return case


# --- the actions ---------------------------------------------------------------------------------

TODAY = "2026-11-22"  # frozen_now


@dataclass(frozen=True)
class Action:
    name: str
    state: object
    data: dict
    own: str = OWNER  # the handler whose unit's turn it is
    allowed: frozenset = field(default_factory=lambda: frozenset({"own"}))
    on: str = "case"  # or "assignment", "approval"
    created: bool = False

    def url(self, case: Case) -> str:
        if self.on == "assignment":
            return f"/api/v1/assignments/{case.assignments.get().pk}/{self.name}/"
        if self.on == "approval":
            return f"{APPROVALS}{case.approvals.get(status='pending').pk}/{self.name}/"
        return case_url(case, self.name)


ASSIGN = {
    "lead_unit": "D1S1",
    "responsible_person": "孙街道",
    "instructions": "请核实并报告",
    "due_on": "2026-12-10",
}
REPLY = {
    "request": "支付工资",
    "facts_and_reasons": "经核实",
    "opinion": "support",
    "legal_basis": "《劳动合同法》",
}
ACTIONS = [
    Action("accept", registered, {"date": TODAY}),
    Action("forward", registered, {"to_unit": "D2XFJ"}),
    # A leader responsible for the owner unit assigns too (批示交办, e.g. at a reception).
    Action("assign", registered, ASSIGN, created=True, allowed=frozenset({"own", "leader"})),
    Action("not-accept", registered, {"reason": "outside_remit", "text": "不属信访"}, created=True),
    Action("divert", registered, {"channel": "litigation", "guided_to": "东湖区人民法院"}),
    Action("leave-simplified", simplified, {"reason": "情况复杂"}),
    Action("request-extension", accepted, {"days": 30, "reason": "需要调查"}, created=True),
    Action("reply", accepted, REPLY),
    Action("deliver-reply", reply_approved, {"method": "in_person"}),
    Action("evaluate", replied, {"result": "satisfied", "contact": "信访人"}),
    Action("request-review", replied, {"request": "不服"}, own="d1_handler"),
    Action("review", review_requested, {"decision": "uphold", "opinion": "维持"}, own="d1_handler"),
    # The city petition office registers re-review requests for the city: reception too.
    Action(
        "request-rereview",
        reviewed,
        {"request": "仍不服"},
        own="city_handler",
        allowed=frozenset({"own", "reception"}),
    ),
    Action(
        "rereview",
        rereview_requested,
        {"decision": "change", "opinion": "变更"},
        own="city_handler",
    ),
    Action(
        "hearing",
        rereview_requested,
        {"starts_on": TODAY, "ends_on": TODAY, "note": "听证"},
        own="city_handler",
    ),
    Action(
        "sponsor",
        accepted,
        {"staff": "handler1", "due_on": "2026-12-31", "responsibility": "督促化解"},
        allowed=frozenset({"leader"}),
    ),
    Action("sign", assigned, {}, own="street_handler", on="assignment"),
    Action("report", signed, {"report": "已核实"}, own="street_handler", on="assignment"),
    Action("return", assigned, {"reason": "不属本单位职责"}, own="street_handler", on="assignment"),
    Action(
        "decide",
        reply_pending,
        {"approve": True, "instruction": "同意"},
        on="approval",
        allowed=frozenset({"leader"}),
    ),
]


class Users:
    """The standing users, created only when a test asks for them."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)


def expected_status(action: Action, role: str) -> int:
    if role in action.allowed:
        return 201 if action.created else 200
    return 404 if role == "other" else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[action.name for action in ACTIONS])
def test_role_action_matrix(request, org, frozen_now, action, role):
    users = Users(request)
    case = action.state(users)
    user = getattr(users, action.own if role == "own" else ROLE_USERS[role])
    url = action.url(case)
    before = written(case)

    response = api(user).post(url, action.data, format="json")

    assert response.status_code == expected_status(action, role), response.content[:500]
    if response.status_code >= 400:
        assert written(case) == before
    else:
        assert CaseEvent.objects.filter(case=case).count() > len(before["events"])


def test_the_matrix_covers_every_step_of_the_api():
    from cases.api import ApprovalViewSet, AssignmentViewSet, CaseViewSet

    routes = {
        route.url_path
        for viewset in (CaseViewSet, AssignmentViewSet, ApprovalViewSet)
        for route in viewset.get_extra_actions()
    }
    assert routes == {action.name for action in ACTIONS}


def test_a_rereview_request_on_a_case_without_its_review_is_a_conflict_with_its_reason(
    request, org, frozen_now
):
    """A case marked reviewed whose review is missing (a record corrected by hand, an import)
    has nothing to re-review: 409 naming the missing review (it said the unit had no
    superior), and nothing is written."""
    users = Users(request)
    case = reviewed(users)
    case.reviews.all().delete()
    before = written(case)

    response = api(users.city_handler, lang="en").post(
        case_url(case, "request-rereview"), {"request": "仍不服"}, format="json"
    )

    assert response.status_code == 409, response.content[:500]
    assert response.json()["detail"] == (
        f"Case {case.number} has no review decision: a re-review is requested after one."
    )
    assert written(case) == before
