"""The three documents of a joint supervision (交办函, 信访事由摘要, 责任分摊表): each downloads
as a .docx that opens with python-docx and names all five units, prints as a page, and
carries no ID number or phone number."""

from __future__ import annotations

import io
from urllib.parse import unquote

import docx
import pytest
from django.test import Client

from escalation.joint.documents import JOINT_DOCUMENTS

from . import joint_fixtures
from .joint_fixtures import ID_NUMBER, PHONE, TASKS

joint_case = joint_fixtures.joint_case
supervision = joint_fixtures.supervision

UNITS = ["东湖区信访局", "东湖区教育局", "东湖区综治中心", "东湖区司法局", "东湖区纪委监委"]
TITLES = {"letter": "交办函", "summary": "信访事由摘要", "responsibility": "责任分摊表"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return "\n".join(texts)


@pytest.mark.parametrize("kind", list(JOINT_DOCUMENTS))
def test_each_document_downloads_as_a_docx_naming_all_five_units(kind, supervision, party_users):
    # Sent to all five units: the stability office, which does not see the case, gets it too.
    response = logged_in(party_users.stability).get(
        f"/escalation/joint/{supervision.pk}/documents/{kind}/docx/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert TITLES[kind] in unquote(response["Content-Disposition"])
    text = docx_text(response.content)
    for unit in UNITS:
        assert unit in text, (kind, unit)
    assert TITLES[kind] in text
    assert supervision.number in text
    assert ID_NUMBER not in text and PHONE not in text


def test_the_letter_gives_every_party_its_task_and_deadline(supervision, d1_supervisor):
    response = logged_in(d1_supervisor).get(
        f"/escalation/joint/{supervision.pk}/documents/letter/docx/"
    )
    text = docx_text(response.content)
    for task in TASKS.values():
        assert task in text
    assert "2026年12月4日前完成" in text  # the stability office's deadline
    assert "东湖区人民政府" in text.splitlines()  # signed with the full name of the opener (D1)


def test_the_responsibility_table_is_a_table_of_the_five_parties(supervision, d1_supervisor):
    response = logged_in(d1_supervisor).get(
        f"/escalation/joint/{supervision.pk}/documents/responsibility/docx/"
    )
    (table,) = docx.Document(io.BytesIO(response.content)).tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "职责", "责任单位", "工作任务", "办结时限"]
    assert [row[2] for row in rows[1:]] == UNITS
    assert rows[3][1] == "综治维稳部门（适时稳控）" and rows[3][4] == "2026年12月4日"


def test_the_summary_masks_numbers_typed_into_the_summary(supervision, d1_supervisor):
    supervision.summary = f"信访人电话{PHONE}，身份证{ID_NUMBER}。"
    supervision.save(update_fields=["summary"])
    response = logged_in(d1_supervisor).get(
        f"/escalation/joint/{supervision.pk}/documents/summary/docx/"
    )
    text = docx_text(response.content)
    assert PHONE not in text and ID_NUMBER not in text
    assert "138****5678" in text


@pytest.mark.parametrize("kind", list(JOINT_DOCUMENTS))
def test_each_document_prints_as_a_page(kind, supervision, party_users):
    response = logged_in(party_users.judicial).get(
        f"/escalation/joint/{supervision.pk}/documents/{kind}/"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "data-official-document" in page
    for unit in UNITS:
        assert unit in page


def test_an_unknown_document_is_404(supervision, d1_supervisor):
    client = logged_in(d1_supervisor)
    assert client.get(f"/escalation/joint/{supervision.pk}/documents/memo/").status_code == 404
    assert client.get(f"/escalation/joint/{supervision.pk}/documents/memo/docx/").status_code == 404
