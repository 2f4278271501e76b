"""A lost query code: `POST /api/v1/public/query-codes/` and the page /public/lost-code/. A new
code goes by text to the mobile registered with the petition, the old one stops working, and
the answer never tells whether the number exists or the phone matched."""

import re

import pytest
from django.test import Client, TestCase

from audit.models import AuditAction, AuditEntry
from petitions.models import Petition
from tests.factories import petitioner

from .conftest import registered

pytestmark = pytest.mark.usefixtures("frozen_now")

URL = "/api/v1/public/query-codes/"
QUERY = "/api/v1/public/query/"
PHONE = "13912345678"


@pytest.fixture
def petition(handler1):
    petition, code = registered(handler1, petitioners=[petitioner(phone=PHONE)])
    return petition, code


def renew(client, number, phone=PHONE):
    """The request, with what runs after its commit (the text) run as in production."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {"number": number, "phone": phone}, format="json")


def look_up(client, number, code):
    return client.post(QUERY, {"number": number, "query_code": code}, format="json")


def test_a_new_code_goes_to_the_registered_mobile_and_the_old_one_stops_working(
    client, petition, sms
):
    petition, old_code = petition
    response = renew(client, petition.number, "+86 139 1234 5678")
    assert response.status_code == 202
    assert "新的查询码" in response.json()["detail"]
    [(to, text)] = sms.sent
    assert to == PHONE and petition.number in text
    new_code = re.search(r"[A-Z2-9]{8}", text.replace(petition.number, "")).group()
    assert new_code != old_code
    assert look_up(client, petition.number, new_code).status_code == 200
    assert look_up(client, petition.number, old_code).status_code == 404
    entry = AuditEntry.objects.get(action=AuditAction.QUERY_CODE_RENEWED)
    assert entry.object_id == str(petition.pk) and entry.actor is None
    # The code is kept nowhere in clear: not in the notification rows either.
    from notifications.models import Notification

    assert not Notification.objects.filter(body__contains=new_code).exists()


def test_an_unknown_number_and_a_wrong_phone_get_the_same_answer(client, petition, sms):
    petition, code = petition
    wrong_phone = renew(client, petition.number, "13800000000")
    unknown = renew(client, "D1XFJ-2026-999999")
    assert wrong_phone.status_code == unknown.status_code == 202
    assert wrong_phone.content == unknown.content
    assert sms.sent == []
    assert Petition.objects.get(pk=petition.pk).query_code_hash == petition.query_code_hash
    assert look_up(client, petition.number, code).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "X"}, "phone"),
        ({"phone": PHONE}, "number"),
        ({"number": "X", "phone": "010-62345678"}, "phone"),  # a landline gets no text
        ({"number": "X", "phone": "12345"}, "phone"),
        ({"number": "X" * 41, "phone": PHONE}, "number"),
    ],
)
def test_bad_input_is_a_field_error(client, data, field, sms):
    response = client.post(URL, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert sms.sent == []


def test_a_number_gets_a_few_codes_a_day_whether_it_exists_or_not(
    client, petition, sms, settings, time_machine
):
    import datetime

    petition, _code = petition
    limit = settings.PUBLIC_CODE_RENEWAL_LIMIT
    for number in (petition.number, "D1XFJ-2026-999999"):
        answers = [renew(client, number).status_code for _ in range(limit + 1)]
        assert answers == [202] * limit + [429]
    assert len(sms.sent) == limit
    time_machine.shift(datetime.timedelta(days=1, minutes=1))
    assert renew(client, petition.number).status_code == 202
    assert len(sms.sent) == limit + 1


def test_the_page_asks_for_the_number_and_the_mobile_and_says_the_same_either_way(petition, sms):
    petition, _code = petition
    browser = Client()
    page = browser.get("/public/lost-code/")
    assert page.status_code == 200 and 'name="phone"' in page.content.decode()
    assert "/public/lost-code/" in browser.get("/public/query/").content.decode()
    bad = browser.post("/public/lost-code/", {"number": petition.number, "phone": "0105"})
    assert bad.status_code == 400 and 'data-field-error="phone"' in bad.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        right = browser.post("/public/lost-code/", {"number": petition.number, "phone": PHONE})
    wrong = browser.post("/public/lost-code/", {"number": "NOPE-1", "phone": PHONE})
    assert right.status_code == wrong.status_code == 200

    def said(response):
        return re.search(r'id="lost-code-sent">(.*?)</div>', response.content.decode(), re.S)[1]

    assert said(right) == said(wrong) and "短信" in said(right)
    assert len(sms.sent) == 1
