"""Art. 30: an accusation never reaches the unit it accuses, also when it joins a case that
exists (`cases/selectors/accusations.py`).

The case is an accusation against 东湖二街道 (D1S2, made here beside the standing tree)
registered at the district petition office D1XFJ on Monday 2026-11-02. An accusation against
another unit may join it only while that unit's users neither work on it nor see it; once
it has joined, no work on the case goes to that unit, and none of its users, nor those of a
unit below it, sees anything of the case, whatever brought it into their scope."""

from __future__ import annotations

import datetime
import html
import io
import re
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import OrgKind, OrgLevel, OrgUnit
from cases import services
from cases.models import Case, MatterKind
from cases.selectors import case_list
from dashboards.services import rollup_rebuild
from escalation.consultations.services.meetings import TaskDraft, consultation_record
from escalation.deadlines.services import deadlines_scan
from escalation.joint.services.opening import joint_supervision_open
from escalation.notices.services import supervision_notice_issue
from notifications.models import Notification
from notifications.services import notify
from petitions.models import Petition
from reception.appointments.services.booking import appointment_book
from reception.models import ReceptionSchedule
from tests.escalation.joint_fixtures import drafts_for
from tests.factories import (
    UserFactory,
    make_id_number,
    pdf_bytes,
    petitioner,
    recount_petitions,
    register_petition,
    written_snapshot,
)

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
ROLES = ("reception", "handler", "leader", "supervisor")


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the catalogue translates them)."""
    with translation.override("en"):
        yield


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def street2(org):
    """东湖二街道 (D1S2), a second street office of district 1."""
    return OrgUnit.objects.create(
        code="D1S2",
        name="东湖二街道",
        parent=org.d1,
        level=OrgLevel.TOWNSHIP,
        kind=OrgKind.GOVERNMENT,
    )


def accusation(actor, against: OrgUnit, **overrides) -> Petition:
    values = {
        "matter_kind": MatterKind.ACCUSATION,
        "accused_unit": against,
        "accused_person": "某主任",
        "category": "1401",
        "summary": f"举报{against.name}违规发放补贴",
    }
    values.update(overrides)
    return register_petition(actor, **values).petition


@pytest.fixture
def street_case(handler1, street2, clock) -> Case:
    """An accusation against D1S2, registered at D1XFJ and not decided yet."""
    return accusation(handler1, street2).case


def assign(case, actor, lead, co_units=()):
    return services.case_assign(
        actor=actor,
        case=case,
        lead_unit=lead,
        co_units=list(co_units),
        responsible_person="孙主任",
        instructions="请调查核实",
        due_on=D(2026, 11, 6),
    )


def refused_attach(actor, case, against, settings, **overrides) -> dict:
    """Attach an accusation against `against` to `case`: refused, and nothing written."""
    before = written_snapshot(settings.MEDIA_ROOT)
    with pytest.raises(ValidationError) as error:
        accusation(actor, against, case=case, **overrides)
    assert written_snapshot(settings.MEDIA_ROOT) == before
    return error.value.message_dict


# --- joining a case: refused where the accused works on it or sees it -----------------------


def test_an_accusation_against_the_lead_unit_cannot_join_the_case_through_the_api(
    handler1, street_case, org, settings
):
    """The reported case: accused D1S2, assigned to D1S1; a second accusation, against D1S1,
    posted onto it. The clerk is told on `case` to register it as a case of its own."""
    assign(street_case, handler1, org.d1_street)
    client = APIClient()
    client.force_authenticate(handler1)
    body = {
        "channel": "visit",
        "received_at": (MONDAY - datetime.timedelta(hours=1)).isoformat(),
        "location_unit": "D1S1",
        "category": "1401",
        "matter_kind": "accusation",
        "accused_unit": "D1S1",
        "accused_person": "某主任",
        "person_count": 1,
        "summary": "举报东湖街道违规发放补贴",
        "petitioners": [{"name": "钱检举", "id_number": make_id_number(), "role": "principal"}],
        "case": street_case.number,
    }
    before = written_snapshot(settings.MEDIA_ROOT)
    response = client.post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == ["case"]
    (message,) = errors["case"]  # in the user's language: it names the case and the unit
    assert street_case.number in message and "东湖街道" in message
    assert written_snapshot(settings.MEDIA_ROOT) == before
    # Without `case` the same accusation is registered as a case of its own.
    del body["case"]
    assert client.post("/api/v1/petitions/", body, format="json").status_code == 201


@pytest.mark.parametrize("path", ["owner", "lead unit", "co-unit", "lead unit below it"])
def test_an_accusation_cannot_join_a_case_its_accused_unit_works_on(
    path, handler1, street_case, org, settings
):
    if path == "owner":
        services.case_forward(actor=handler1, case=street_case, to_unit=org.d1_street)
    elif path == "lead unit":
        assign(street_case, handler1, org.d1_street)
    elif path == "co-unit":
        assign(street_case, handler1, org.d1_business, co_units=[org.d1_street])
    else:
        assign(street_case, handler1, org.d1_community)
    errors = refused_attach(handler1, street_case, org.d1_street, settings)
    assert list(errors) == ["case"]


def schedule_for(leader, clerk, attending=()) -> ReceptionSchedule:
    """`leader` receives on Thursdays at their unit; `attending` units attend."""
    schedule = ReceptionSchedule.objects.create(
        leader=leader,
        unit=leader.org_unit,
        kind="weekly",
        weekdays=[4],
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        place="接待室",
        slots=2,
        valid_from=D(2026, 1, 1),
        created_by=clerk,
    )
    schedule.attending_units.set(attending)
    return schedule


@pytest.mark.parametrize(
    "part",
    [
        "supervision notice",
        "joint supervision party",
        "consultation",
        "consultation task",
        "reception attending unit",
        "reception leader",
    ],
)
def test_an_accusation_cannot_join_a_case_its_accused_unit_takes_part_in(
    part, handler1, street_case, org, d1_supervisor, party_units, settings
):
    """What escalation and reception show of a case to the units taking part counts too."""
    case = services.case_accept(actor=handler1, case=street_case)
    accused = org.d1_business
    if part == "supervision notice":
        supervision_notice_issue(
            actor=d1_supervisor,
            case=case,
            unit=accused,
            due_on=D(2026, 11, 13),
            content="请说明办理情况",
        )
    elif part == "joint supervision party":
        assert party_units.business == accused
        joint_supervision_open(actor=d1_supervisor, case=case, parties=drafts_for(party_units))
    elif part.startswith("consultation"):
        task = TaskDraft(unit=accused, task="核实", due_on=D(2026, 11, 20))
        consultation_record(
            actor=handler1,
            case=case,
            level=1,
            held_on=D(2026, 11, 2),
            units=[org.d1_office] + ([accused] if part == "consultation" else []),
            attendees="王承办",
            analysis="分析",
            decision="决定",
            tasks=[task] if part == "consultation task" else [],
        )
    else:
        leader_unit = accused if part == "reception leader" else org.d1
        leader = UserFactory(org_unit=leader_unit, roles=["leader"])
        clerk = UserFactory(org_unit=org.d1_office, roles=["reception"])
        attending = [accused] if part == "reception attending unit" else []
        schedule = schedule_for(leader, clerk, attending)
        appointment_book(actor=clerk, case=case, schedule=schedule, date=D(2026, 11, 5))
    errors = refused_attach(handler1, case, accused, settings)
    assert list(errors) == ["case"]


def test_an_accusation_against_a_petition_office_cannot_join_a_case_of_its_area(
    reception1, city_handler, handler1, org, street2, settings, clock
):
    """A petition office's users see their government's whole area (`scope_path`): a case
    with D1's education bureau is seen at D1XFJ."""
    case = accusation(reception1, street2).case
    services.case_forward(actor=city_handler, case=case, to_unit=org.d1_business)
    errors = refused_attach(reception1, case, org.d1_office, settings)
    assert list(errors) == ["case"]


def test_an_accusation_against_a_unit_that_does_not_see_the_case_joins_it(
    handler1, street_case, org, street2, clock
):
    assign(street_case, handler1, org.d1_street)
    joined = accusation(handler1, org.d2_street, case=street_case)
    again = accusation(handler1, street2, case=street_case)
    assert joined.case_id == again.case_id == street_case.pk


# --- a case that accuses several units: no work goes to any of them --------------------------


@pytest.fixture
def two_accused(handler1, street_case, org) -> Case:
    """The street case, with an accusation against D1's education bureau (D1JY) joined while
    the case was still with D1XFJ: it accuses D1S2 and D1JY."""
    accusation(handler1, org.d1_business, case=street_case)
    return street_case


def test_the_case_is_not_forwarded_to_a_unit_a_joined_accusation_accuses(
    handler1, two_accused, org
):
    with pytest.raises(ValidationError) as error:
        services.case_forward(actor=handler1, case=two_accused, to_unit=org.d1_business)
    assert list(error.value.message_dict) == ["to_unit"]


@pytest.mark.parametrize("field", ["lead_unit", "co_units"])
def test_the_case_is_not_assigned_to_a_unit_a_joined_accusation_accuses(
    handler1, two_accused, org, field
):
    lead, co_units = (
        (org.d1_business, []) if field == "lead_unit" else (org.d1_street, [org.d1_business])
    )
    with pytest.raises(ValidationError) as error:
        assign(two_accused, handler1, lead, co_units)
    assert list(error.value.message_dict) == [field]


def test_no_supervision_notice_goes_to_a_unit_a_joined_accusation_accuses(
    two_accused, d1_supervisor, org
):
    with pytest.raises(ValidationError) as error:
        supervision_notice_issue(
            actor=d1_supervisor,
            case=two_accused,
            unit=org.d1_business,
            due_on=D(2026, 11, 13),
            content="请说明办理情况",
        )
    assert list(error.value.message_dict) == ["unit"]


def test_a_unit_a_joined_accusation_accuses_is_no_joint_supervision_party(
    handler1, two_accused, d1_supervisor, party_units
):
    services.case_accept(actor=handler1, case=two_accused)
    with pytest.raises(ValidationError) as error:
        joint_supervision_open(
            actor=d1_supervisor, case=two_accused, parties=drafts_for(party_units)
        )
    (message,) = error.value.message_dict["parties"]
    assert party_units.business.name in message and "accuses" in message


@pytest.mark.parametrize("field", ["units", "tasks"])
def test_a_unit_a_joined_accusation_accuses_takes_no_part_in_a_consultation(
    handler1, two_accused, org, field
):
    services.case_accept(actor=handler1, case=two_accused)
    attending, tasks = [org.d1_office], []
    if field == "units":
        attending.append(org.d1_business)
    else:
        tasks = [TaskDraft(unit=org.d1_business, task="核实", due_on=D(2026, 11, 20))]
    with pytest.raises(ValidationError) as error:
        consultation_record(
            actor=handler1,
            case=two_accused,
            level=1,
            held_on=D(2026, 11, 2),
            units=attending,
            attendees="王承办",
            analysis="分析",
            decision="决定",
            tasks=tasks,
        )
    assert list(error.value.message_dict) == [field]


def test_a_leader_of_a_unit_a_joined_accusation_accuses_does_not_receive_it(two_accused, org):
    leader = UserFactory(org_unit=org.d1_business, roles=["leader"])
    clerk = UserFactory(org_unit=org.d1_office, roles=["reception"])
    schedule = schedule_for(leader, clerk)
    with pytest.raises(ValidationError) as error:
        appointment_book(actor=clerk, case=two_accused, schedule=schedule, date=D(2026, 11, 5))
    assert list(error.value.message_dict) == ["schedule"]


# --- data that got there another way: the accused unit sees nothing of it -------------------


def _users(unit, prefix):
    return [UserFactory(username=f"{prefix}_{role}", org_unit=unit, roles=[role]) for role in ROLES]


@pytest.fixture
def leaked(handler1, street2, org, d1_supervisor, clock):
    """The accusation against D1S2 forwarded to D1S1, accepted there and assigned to its
    community D1S1C1, which reported back with a file; D1S1 drafted the answer and gave the
    community a second task, due Friday; a repeat accusation joined it. Then an accusation
    against D1S1 itself (with an attachment) was put on the case by something other than
    intake (a data repair, a merge), which refuses it (above). Users of D1S1 and D1S1C1 in
    every role look for it."""
    s1_users, c1_users = _users(org.d1_street, "s1"), _users(org.d1_community, "c1")
    s1_handler, c1_handler = s1_users[1], c1_users[1]
    case = accusation(handler1, street2).case
    case = services.case_forward(actor=handler1, case=case, to_unit=org.d1_street)
    case = services.case_accept(actor=s1_handler, case=case)
    assignment = assign(case, s1_handler, org.d1_community)
    services.assignment_sign(actor=c1_handler, assignment=assignment)
    report = SimpleUploadedFile("调查报告.pdf", pdf_bytes(), content_type="application/pdf")
    services.assignment_report(
        actor=c1_handler, assignment=assignment, report="已核实", files=[report]
    )
    reply = services.reply_draft(
        actor=s1_handler,
        case=case,
        request="诉求",
        facts_and_reasons="事实",
        opinion="explain",
        legal_basis="依据",
    )
    assign(case, s1_handler, org.d1_community)  # a second task, still open
    repeat = accusation(handler1, street2, case=case)
    against_s1 = accusation(
        handler1,
        org.d1_street,
        summary="举报东湖街道截留惠民补贴",
        petitioners=[petitioner(name="钱检举")],
        attachments=[SimpleUploadedFile("证据.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    # What D1S1 and its community were told before the accusation against D1S1 arrived is
    # not this test's concern.
    Notification.objects.all().delete()
    Petition.objects.filter(pk=against_s1.pk).update(case=case)
    recount_petitions(case, against_s1.case)
    rollup_rebuild()
    # The second task was due Friday: the scan tells D1S1C1 (its handlers and leaders) and
    # the supervisors above it; only D1's supervisors may hear of the case now.
    deadlines_scan(today=D(2026, 11, 9))
    case.refresh_from_db()
    return {
        "case": case,
        "petitions": [Petition.objects.get(number=case.number), repeat, against_s1],
        "against_s1": against_s1,
        "document": case.documents.get(),
        "reply": reply,
        "attachment": against_s1.attachments.get(),
        "users": s1_users + c1_users,
        "control": [handler1, d1_supervisor],
    }


def _secrets(leaked) -> list[str]:
    """The case's and its petitions' numbers, the accusation's summary, the accuser's name."""
    numbers = [leaked["case"].number, *(p.number for p in leaked["petitions"])]
    return [*dict.fromkeys(numbers), leaked["against_s1"].summary, "钱检举"]


def _shows(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


def _xlsx_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _drilldown_links(page: str) -> list[str]:
    return sorted(
        {html.unescape(link) for link in re.findall(r'href="(/(?:cases|petitions)/\?[^"]*)"', page)}
    )


def _leaks(client, api, leaked) -> dict[str, object]:
    """What of the accusation one user finds on every path: {} when nothing."""
    case, number = leaked["case"], leaked["case"].number
    secrets = _secrets(leaked)
    found: dict[str, object] = {}

    def look(path: str, text: str) -> None:
        if shown := _shows(text, secrets):
            found[path] = shown

    def gone(path: str, status: int) -> None:
        if status != 404:
            found[path] = status

    look("case list", client.get("/cases/").content.decode())
    look("queue", client.get("/cases/queue/").content.decode())
    gone("case page", client.get(f"/cases/{number}/").status_code)
    look("case api list", api.get("/api/v1/cases/").content.decode())
    gone("case api", api.get(f"/api/v1/cases/{number}/").status_code)
    look("petition list", client.get("/petitions/").content.decode())
    look("petition api list", api.get("/api/v1/petitions/").content.decode())
    for petition in leaked["petitions"]:
        gone(
            f"petition page {petition.number}",
            client.get(f"/petitions/{petition.number}/").status_code,
        )
        gone(
            f"petition api {petition.number}",
            api.get(f"/api/v1/petitions/{petition.number}/").status_code,
        )
    attachment = leaked["attachment"]
    gone(
        "attachment",
        client.get(
            f"/petitions/{attachment.petition.number}/attachments/{attachment.pk}/"
        ).status_code,
    )
    gone("document", client.get(f"/cases/{number}/documents/{leaked['document'].pk}/").status_code)
    reply = leaked["reply"].pk
    gone("reply print", client.get(f"/cases/{number}/replies/{reply}/print/").status_code)
    gone("reply docx", client.get(f"/cases/{number}/replies/{reply}/docx/").status_code)
    # The dashboards are for leaders and supervisors (403 for the others).
    viewer = client.user.has_role("leader", "supervisor")
    export = client.get("/dashboards/export.xlsx")
    assert export.status_code == (200 if viewer else 403)
    if viewer:
        look("export", _xlsx_text(export.content))
    dashboard = client.get("/dashboards/")
    assert dashboard.status_code == (200 if viewer else 403)
    if viewer:
        page = dashboard.content.decode()
        look("dashboard", page)
        links = _drilldown_links(page)
        assert links, "the dashboard links to its lists"
        for link in links:
            look(f"drill-down {link}", client.get(link).content.decode())
    look("inbox", client.get("/notifications/").content.decode())
    look("inbox api", api.get("/api/v1/notifications/").content.decode())
    told = Notification.objects.filter(recipient=client.user, case_number=case.number)
    if told.exists():
        found["notifications"] = list(told.values_list("title", flat=True))
    return found


def _clients(user):
    client = Client()
    client.force_login(user)
    client.user = user
    api = APIClient()
    api.force_authenticate(user)
    return client, api


def test_the_accused_unit_and_its_subtree_see_nothing_of_it_in_any_role_on_any_path(leaked):
    seen = {user.username: _leaks(*_clients(user), leaked) for user in leaked["users"]}
    assert seen == {user.username: {} for user in leaked["users"]}


def test_the_units_above_the_accused_still_see_it(leaked):
    """The control: the same paths show the case to D1XFJ and D1's supervisors, and the scan
    did tell D1's supervisors that the report-back is overdue."""
    handler1, d1_supervisor = leaked["control"]
    number = leaked["case"].number
    client, api = _clients(handler1)
    page = client.get(f"/cases/{number}/")
    assert page.status_code == 200
    assert leaked["against_s1"].summary in page.content.decode()
    assert api.get(f"/api/v1/petitions/{leaked['against_s1'].number}/").status_code == 200
    assert client.get(f"/cases/{number}/documents/{leaked['document'].pk}/").status_code == 200
    client, _api = _clients(d1_supervisor)
    assert number in client.get("/notifications/").content.decode()
    assert number in _xlsx_text(client.get("/dashboards/export.xlsx?unit=D1S1").content)


def test_nobody_of_an_accused_unit_is_notified_about_the_case(leaked, org):
    """Whatever asks for it (here a direct call), a notification about the case skips the
    accused unit's users and those below it, and reaches the others."""
    handler2 = UserFactory(org_unit=org.d2_office, roles=["handler"])
    notify(
        recipients=[*leaked["users"], *leaked["control"], handler2],
        kind="assigned",
        title="测试",
        case_number=leaked["case"].number,
    )
    told = set(
        Notification.objects.filter(title="测试").values_list("recipient__username", flat=True)
    )
    assert told == {user.username for user in [*leaked["control"], handler2]}


# --- the rule stays one query whatever the number of accusations ------------------------------


def test_the_case_list_of_an_accused_user_takes_the_same_queries_for_one_or_many_cases(
    handler1, street2, org, clock
):
    s1_leader = UserFactory(org_unit=org.d1_street, roles=["leader"])
    visible = []

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = list(case_list(user=s1_leader))
        return len(captured), len(rows)

    def one_more():
        case = accusation(handler1, street2).case
        services.case_forward(actor=handler1, case=case, to_unit=org.d1_street)
        hidden = accusation(handler1, org.d1_street)
        Petition.objects.filter(pk=hidden.pk).update(case=case)
        recount_petitions(case, hidden.case)
        visible.append(register_petition(handler1, location_unit=org.d1_street).petition.case)
        services.case_forward(actor=handler1, case=visible[-1], to_unit=org.d1_street)

    one_more()
    few, shown = queries()
    assert shown == 1
    for _ in range(5):
        one_more()
    assert queries() == (few, 6)
