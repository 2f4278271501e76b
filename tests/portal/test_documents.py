"""Documents for the petitioner: the look-up lists what they may download, each behind a
signed link that expires; the link serves the .docx without a login, and nothing else."""

import datetime
import io

import pytest
from django.test import Client
from docx import Document as Docx

from cases import services
from cases.models import Reply, ReplyStatus
from core.officialdoc import DOCX_TYPE
from portal.documents import _token
from tests.factories import deliver

from .conftest import D, registered

pytestmark = pytest.mark.usefixtures("frozen_now")  # 2026-11-22

QUERY = "/api/v1/public/query/"


def look_up(client, petition, code):
    response = client.post(QUERY, {"number": petition.number, "query_code": code}, format="json")
    assert response.status_code == 200
    return response.json()


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)


def test_the_delivered_answer_is_listed_and_downloads_without_a_login(client, answered):
    petition, code = answered
    reply = Reply.objects.get(case=petition.case)
    documents = look_up(client, petition, code)["documents"]
    assert [d["title"] for d in documents] == [f"信访处理意见书（{reply.number}）"]
    url = documents[0]["url"]
    assert url.startswith("http://testserver/public/documents/")
    # Neither the number nor the query code is in the address.
    assert petition.number not in url and code not in url

    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    body = text_of(response.content)
    assert reply.number in body and "信访处理意见书" in body
    assert not response.cookies  # no session started, no staff cookie set


def test_the_page_links_the_same_documents(answered):
    petition, code = answered
    page = Client().post("/public/query/", {"number": petition.number, "query_code": code})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="documents"' in html and "/public/documents/" in html
    assert "信访处理意见书" in html


def test_an_answer_not_yet_delivered_is_neither_listed_nor_served(client, handler1, city_leader):
    petition, code = registered(handler1)
    case = petition.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 11, 5))
    services.reply_draft(
        actor=handler1,
        case=case,
        request="诉求",
        facts_and_reasons="事实",
        opinion="explain",
        legal_basis="依据",
        on=D(2026, 11, 20),
    )
    assert look_up(client, petition, code)["documents"] == []
    draft = Reply.objects.get(case=case)
    assert draft.status == ReplyStatus.PENDING_APPROVAL
    # Even a correctly signed link to it finds nothing.
    assert Client().get(f"/public/documents/{_token('reply', draft.pk)}/").status_code == 404


def test_a_link_expires(client, answered, time_machine, settings):
    petition, code = answered
    url = look_up(client, petition, code)["documents"][0]["url"]
    time_machine.shift(datetime.timedelta(minutes=settings.PUBLIC_DOCUMENT_MINUTES - 1))
    assert Client().get(url).status_code == 200
    time_machine.shift(datetime.timedelta(minutes=2))
    assert Client().get(url).status_code == 404
    # A fresh look-up hands out a fresh link.
    assert Client().get(look_up(client, petition, code)["documents"][0]["url"]).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["x", "not-a-token:at:all", "eyJrIjoicmVwbHkiLCJpZCI6MX0:1v:forged", "%00", "a" * 300],
)
def test_forged_or_broken_links_are_404(answered, token):
    assert Client().get(f"/public/documents/{token}/").status_code == 404


def test_a_link_signed_for_something_else_finds_nothing(answered):
    from django.core import signing

    petition, _code = answered
    reply = Reply.objects.get(case=petition.case)
    wrong_salt = signing.dumps({"k": "reply", "id": reply.pk}, salt="another.purpose")
    unknown_kind = _token("case", petition.case.pk)
    for token in (wrong_salt, unknown_kind):
        assert Client().get(f"/public/documents/{token}/").status_code == 404


def test_delivered_notices_are_listed_with_the_answer_in_the_order_issued(
    client, handler1, city_leader
):
    from cases.models import NoticeKind, WrittenNotice

    petition, code = registered(handler1)
    case = petition.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 11, 5))
    acceptance = WrittenNotice.objects.get(case=case, kind=NoticeKind.ACCEPTANCE)
    # Issued, not yet handed over: not the petitioner's yet.
    assert look_up(client, petition, code)["documents"] == []
    assert Client().get(f"/public/documents/{_token('notice', acceptance.pk)}/").status_code == 404

    services.notice_deliver(
        actor=handler1, notice=acceptance, method="in_person", on=D(2026, 11, 6)
    )
    deliver(case, handler1, city_leader, on=D(2026, 11, 20))
    reply = Reply.objects.get(case=case)
    documents = look_up(client, petition, code)["documents"]
    assert [d["title"] for d in documents] == [
        f"信访事项受理告知书（{acceptance.number}）",
        f"信访处理意见书（{reply.number}）",
    ]
    response = Client().get(documents[0]["url"])
    assert response.status_code == 200
    body = text_of(response.content)
    assert "信访事项受理告知书" in body and acceptance.number in body


def test_a_petition_submitted_online_finds_its_acceptance_notice_at_once(client, handler1):
    petition, code = registered(handler1, channel="online")
    services.case_accept(actor=handler1, case=petition.case, on=D(2026, 11, 5))
    [document] = look_up(client, petition, code)["documents"]
    assert document["title"].startswith("信访事项受理告知书")
    assert Client().get(document["url"]).status_code == 200
