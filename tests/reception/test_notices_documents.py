"""The four notices of one appointment as .docx files (issue 5's acceptance point): each
opens with python-docx and names the leader, the date, the place and the case number; no
ID number or phone number in any of them; the same data gives the same document."""

import datetime
import io

import pytest
from django.test import Client
from docx import Document as read_docx

from cases.models import CaseEvent
from escalation.notices.services import supervision_notice_issue
from reception.models import PreliminaryOpinion, ReceptionRecord
from reception.notices.documents.links import notice_links
from tests.reception.notices_fixtures import *  # noqa: F403
from tests.reception.notices_fixtures import (
    ID_NUMBER,
    PHONE,
    PLACE,
    TYPED_ID,
    TYPED_PHONE,
    issue,
)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_text(content: bytes) -> str:
    document = read_docx(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def received(appointment, leader, org, reception1):
    """The reception held: the leader's instruction became a supervision notice to the city
    education bureau, on the reception's record (as the record service would leave it)."""
    notice = supervision_notice_issue(
        actor=leader,
        case=appointment.case,
        unit=org.city_business,
        due_on=datetime.date(2026, 12, 10),
        content="请市教育局于12月10日前核实并答复信访人。",
    )
    ReceptionRecord.objects.create(
        appointment=appointment,
        attended=True,
        account="信访人陈述了拖欠工资的经过。",
        instruction="请市教育局于12月10日前核实并答复信访人。",
        supervision_notice=notice,
        recorded_by=leader,
    )
    return notice


def test_the_four_notices_download_as_docx_naming_leader_date_place_and_case(
    appointment, received, reception1
):
    client = logged_in(reception1)
    issue(client, appointment)
    links = notice_links(appointment)
    kinds = [link["kind"] for link in links]
    assert kinds == ["petitioner", "leader", "unit", "unit", "supervision"]
    assert all(link["issued"] and link["number"] for link in links)
    case_number = appointment.case.number
    for link in links:
        response = client.get(link["docx_url"])
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        text = docx_text(response.content)
        assert link["number"] in text
        assert case_number in text, link["kind"]
        if link["kind"] == "supervision":
            # The supervision notice names the leader's instruction and the due date.
            assert "请市教育局于12月10日前核实并答复信访人。" in text
            assert "2026年12月10日" in text
        else:
            assert "刘市长" in text, link["kind"]
            assert "2026年11月26日" in text, link["kind"]
            assert PLACE in text, link["kind"]


def test_no_id_or_phone_number_in_any_notice(appointment, received, reception1):
    client = logged_in(reception1)
    issue(client, appointment)
    for link in notice_links(appointment):
        for url in (link["print_url"], link["docx_url"]):
            response = client.get(url)
            content = (
                docx_text(response.content) if url.endswith("docx/") or "/docx/?" in url
                else response.content.decode()
            )  # fmt: skip
            for secret in (ID_NUMBER, PHONE, TYPED_PHONE, TYPED_ID, TYPED_ID[:17]):
                assert secret not in content, (link["kind"], url, secret)


def test_the_same_data_gives_the_same_document(appointment, reception1):
    client = logged_in(reception1)
    issue(client, appointment)
    url = f"/reception/appointments/{appointment.pk}/notices/leader/docx/"
    first = docx_text(client.get(url).content)
    second = docx_text(client.get(url).content)
    assert first == second
    assert "江城市信访局接访〔2026〕2号" in first


def test_the_briefing_shows_the_history_and_the_units_opinions(
    appointment, reception1, city_business_user, org
):
    PreliminaryOpinion.objects.create(
        appointment=appointment,
        unit=org.city_business,
        text="经初步核实，该公司确有欠薪情况，建议责令限期支付。",
        written_by=city_business_user,
    )
    client = logged_in(reception1)
    issue(client, appointment)
    response = client.get(f"/reception/appointments/{appointment.pk}/notices/leader/docx/")
    text = docx_text(response.content)
    assert "接待信访人通知书" in text
    assert "刘市长同志" in text
    assert "要求公司支付拖欠的工资" in text  # the demands
    assert "经初步核实，该公司确有欠薪情况，建议责令限期支付。" in text
    assert "尚未报送" in text  # D1XFJ has not sent its opinion
    registered = CaseEvent.objects.filter(case=appointment.case).first()
    assert registered is not None
    assert "登记" in text or "2026年11月20日" in text  # the timeline's first row
    table_captions = [t for t in ("表1 历次信访情况", "表2 办理经过") if t in text]
    assert len(table_captions) == 2


def test_the_unit_notice_asks_for_an_opinion_by_the_workday_before(appointment, reception1):
    client = logged_in(reception1)
    issue(client, appointment)
    response = client.get(f"/reception/appointments/{appointment.pk}/notices/unit/docx/?unit=CTJY")
    text = docx_text(response.content)
    assert text.startswith("参与接访通知书")
    assert "江城市教育局：" in text
    assert "请于2026年11月25日前" in text
    assert "东湖区信访局" in text  # the other attending unit


def test_the_petitioner_notice_says_what_to_bring(appointment, reception1):
    client = logged_in(reception1)
    issue(client, appointment)
    response = client.get(f"/reception/appointments/{appointment.pk}/notices/petitioner/docx/")
    text = docx_text(response.content)
    assert "张三：" in text
    assert "居民身份证" in text and "书面答复" in text and "证据材料" in text
    assert "星期四" in text and "09:00至11:30" in text
    assert "江城市信访局" in text  # the issuing unit


def test_representatives_of_a_group_are_addressed_together(schedule, reception1, frozen_now):
    from tests.factories import petitioner, register_petition
    from tests.reception.notices_fixtures import book

    case = register_petition(
        reception1,
        summary="小区业主反映物业问题",
        petitioners=[
            petitioner(name="王五"),
            petitioner("representative", name="赵六"),
            petitioner("member", name="钱七", phone=""),
        ],
    ).petition.case
    group = book(schedule, case, reception1, slot=2)
    client = logged_in(reception1)
    issue(client, group)
    text = docx_text(
        client.get(f"/reception/appointments/{group.pk}/notices/petitioner/docx/").content
    )
    assert "王五、赵六、钱七：" in text
    assert "关于你们反映的信访事项" in text
    assert "参加接访的代表不超过5人" in text
