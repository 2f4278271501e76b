"""Nothing staff-only ever reaches the public: every response of the portal and its API, for a
matter with a full internal history, is walked for internal keys, staff names, instructions,
ID and phone numbers, other petitioners and the units a matter accuses."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.test import Client
from docx import Document as Docx

from accounts.models import User
from cases import services
from tests.factories import deliver, petitioner

from .conftest import D, registered
from .test_selectors import _d1_business_handler

pytestmark = pytest.mark.usefixtures("frozen_now")  # 2026-11-22

ID_NUMBER = "110101199003074514"
PHONE = "13912345678"
INSTRUCTION = "请按内部口径从严把关"
ASSIGNMENT_NOTE = "内部调查要求：先核实信访人背景"
ACCUSED_PERSON = "赵某某"
OTHER_NAME = "钱多多"

# Every key a public JSON answer may carry: the matter, its parts, the answers to the steps,
# and the error shape (with the names of the fields the public sends).
PUBLIC_KEYS = {
    "number",
    "status",
    "status_label",
    "steps",
    "date",
    "label",
    "due_dates",
    "documents",
    "title",
    "url",
    "can_evaluate",
    "can_request_review",
    "result",
    "result_label",
    "level",
    "level_label",
    "unit",
    "requested_on",
    "detail",
    "code",
    "query_code",
    "request",
    "comment",
    # The unit search, the online submission and its phone code, a lost code.
    "path",
    "name",
    "id_number",
    "phone",
    "sms_code",
    "address",
    "location_unit",
    "category",
    "summary",
    "content",
    "demands",
    "person_count",
    "representative",
    "accused_unit",
    "attachments",
}


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


@pytest.fixture
def history(handler1, city_leader, street_handler, org):
    """An accusation with an internal history (an instruction on the approval, a note on an
    assignment), and another petitioner's matter: (petition, code, the secrets)."""
    accusation, code = registered(
        handler1,
        matter_kind="accusation",
        accused_unit=org.d1_street,
        accused_person=ACCUSED_PERSON,
        petitioners=[petitioner(name="孔乙己", id_number=ID_NUMBER, phone=PHONE)],
    )
    other, _ = registered(handler1, petitioners=[petitioner(name=OTHER_NAME)])
    case = accusation.case
    services.case_accept(actor=handler1, case=case, on=D(2026, 11, 4))
    services.case_assign(
        actor=handler1,
        case=case,
        lead_unit=org.d1_business,
        responsible_person="周负责",
        instructions=ASSIGNMENT_NOTE,
        due_on=D(2026, 12, 1),
        on=D(2026, 11, 5),
    )
    deliver(
        case,
        handler1,
        city_leader,
        on=D(2026, 11, 20),
        instruction=INSTRUCTION,
        report_by=_d1_business_handler(org),
    )
    staff = User.objects.all()
    secrets = {
        *(user.username for user in staff),
        *(user.get_full_name() for user in staff if len(user.get_full_name()) >= 2),
        "周负责",
        INSTRUCTION,
        ASSIGNMENT_NOTE,
        ID_NUMBER,
        PHONE,
        ACCUSED_PERSON,
        OTHER_NAME,
        other.number,
        org.d1_street.name,
        org.d1_street.code,
    }
    assert handler1.get_full_name() in secrets and "sessionid" not in secrets
    return accusation, code, secrets


def test_no_public_response_carries_anything_staff_only(history, client):
    petition, code, secrets = history
    pair = {"number": petition.number, "query_code": code}
    answers = []  # (what, text, json or None)

    def api(path, data):
        response = client.post(f"/api/v1/public/{path}/", data, format="json")
        answers.append((f"api {path} {response.status_code}", response.content.decode(), response))
        return response

    def page(path, data=None):
        browser = Client()
        response = browser.post(path, data) if data is not None else browser.get(path)
        answers.append((f"page {path} {response.status_code}", response.content.decode(), None))
        return response

    matter = api("query", pair)
    assert matter.status_code == 200
    api("query", {**pair, "query_code": "WRONG123"})
    api("query", {"number": "", "query_code": ""})
    page("/public/query/", pair)
    page("/public/query/", {**pair, "query_code": "WRONG123"})
    for path in ("/public/", "/public/query/"):
        page(path)
    for document in matter.json()["documents"]:
        response = Client().get(document["url"])
        assert response.status_code == 200
        text = "\n".join(p.text for p in Docx(io.BytesIO(response.content)).paragraphs)
        answers.append((f"document {document['title']}", text, None))
    assert any(what.startswith("document") for what, _, _ in answers)
    api("evaluate", {**pair, "result": "nonsense"})
    api("evaluate", {**pair, "result": "satisfied", "comment": "好"})
    api("review-request", {**pair, "request": "请求复查"})
    api("review-request", {**pair, "request": "请求复查"})  # 409: under way
    page("/public/query/", pair)
    api("query-codes", {"number": petition.number, "phone": PHONE})
    api("query-codes", {"number": petition.number, "phone": "010-1"})
    page("/public/lost-code/", {"number": petition.number, "phone": PHONE})
    units = client.get("/api/v1/public/units/", {"q": "西山"})
    answers.append(("api units", units.content.decode(), units))
    assert units.status_code == 200 and units.json()
    api("sms-codes", {"phone": "13800000001"})
    api("petitions", {"name": "", "id_number": ID_NUMBER[:-1] + "0", "location_unit": "NOPE"})
    for path in ("/public/submit/", "/public/lost-code/"):
        page(path)

    for what, text, response in answers:
        # A picture puzzle's key is random hex: its digits may look like a phone number.
        for key in re.findall(r'name="captcha_0" value="([0-9a-f]+)"', text):
            text = text.replace(key, "")
        for secret in secrets:
            assert secret not in text, f"{what} shows {secret!r}"
        assert not re.search(r"\d{17}[\dXx]", text), f"{what} shows an ID number"
        assert not re.search(r"1[3-9]\d{9}", text), f"{what} shows a mobile number"
        assert "sessionid" not in (response.cookies if response is not None else {})
        if response is not None and response.get("Content-Type") == "application/json":
            extra = keys_of(json.loads(text)) - PUBLIC_KEYS
            assert not extra, f"{what} carries {extra}"
