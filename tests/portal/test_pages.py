"""The portal's pages: the start page, the query form and the answer, without JavaScript."""

import datetime
import re

import pytest
from django.test import Client

from cases import services

from .conftest import D, registered

pytestmark = pytest.mark.usefixtures("frozen_now")


def post(client, number, code, **extra):
    return client.post("/public/query/", {"number": number, "query_code": code}, **extra)


def test_the_start_page_and_the_form(client, db):
    start = client.get("/public/")
    assert start.status_code == 200
    html = start.content.decode()
    assert "<h1" in html and "网上信访" in html and 'href="/public/query/"' in html
    assert 'href="/public/submit/"' in html
    # The portal's own base: no staff navigation, no bell, no script but the display switch's
    # (a file of its own; the pages work without it).
    assert 'id="bell"' not in html and "navbar" not in html
    form = client.get("/public/query/").content.decode()
    assert 'name="number"' in form and 'name="query_code"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    for page in (html, form):
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/portal-display.js">']
        assert "</script>" in page and "<script>" not in page


def test_the_answer_page(client, handler1, org):
    petition, code = registered(handler1)
    services.case_forward(
        actor=handler1, case=petition.case, to_unit=org.d2_office, on=D(2026, 11, 3)
    )
    response = post(client, petition.number, code)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"已转送至{org.d2_office.name}" in html
    assert petition.number in html and "受理决定期限" in html and "2026年11月18日" in html
    assert "目前无需您做什么" in html


def test_a_wrong_pair_looks_the_same_on_the_page(client, handler1):
    petition, code = registered(handler1)
    wrong = post(client, petition.number, "WRONGCDE")
    unknown = post(client, "D1XFJ-2026-999999", code)
    assert wrong.status_code == unknown.status_code == 404

    def message(response):
        return re.search(r'id="query-error">(.*?)</div>', response.content.decode(), re.S)[1]

    assert message(wrong) == message(unknown)
    assert "未查到" in message(wrong)


def test_the_page_shares_the_lock(client, handler1, time_machine):
    petition, code = registered(handler1)
    for _ in range(5):
        post(client, petition.number, "WRONGCDE")
    locked = post(client, petition.number, code)
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "暂停查询 15 分钟" in locked.content.decode()
    time_machine.shift(datetime.timedelta(minutes=15, seconds=1))
    assert post(client, petition.number, code).status_code == 200


def test_the_form_needs_its_csrf_token(handler1):
    petition, code = registered(handler1)
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, petition.number, code).status_code == 403


def test_bad_input_is_shown_on_the_field(client, db):
    response = post(client, "", "")
    assert response.status_code == 400
    assert 'data-field-error="number"' in response.content.decode()


def test_large_text_stays_on(client, db):
    response = client.post("/public/display/", {"large_text": "1", "next": "/public/query/"})
    assert response.status_code == 302 and response["Location"] == "/public/query/"
    assert 'class="portal portal-large"' in client.get("/public/query/").content.decode()
    client.post("/public/display/", {"large_text": "0", "next": "https://evil.example/"})
    assert "portal-large" not in client.get("/public/").content.decode()
    away = client.post("/public/display/", {"large_text": "1", "next": "https://evil.example/"})
    assert away["Location"] == "/public/"
    assert client.get("/public/display/").status_code == 405


def test_a_staff_session_sees_the_same_page(client, handler1):
    petition, code = registered(handler1)
    anonymous = post(Client(), petition.number, code)
    client.force_login(handler1)
    staff = post(client, petition.number, code)
    assert staff.status_code == anonymous.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", staff.content.decode()) == strip.sub("", anonymous.content.decode())


def test_the_staff_sessions_gates_do_not_stand_before_the_portal(
    client, handler1, settings, time_machine
):
    """An expired staff password or an ended staff session does not send someone reading the
    portal to the staff's password or login page: the portal serves them as anyone."""
    petition, code = registered(handler1)
    client.force_login(handler1)
    handler1.must_change_password = True
    handler1.save(update_fields=["must_change_password"])
    settings.PASSWORD_CHANGE_AT_FIRST_LOGIN = True
    assert client.get("/petitions/").status_code == 302  # the staff pages: the change page
    assert post(client, petition.number, code).status_code == 200

    time_machine.shift(datetime.timedelta(hours=settings.SESSION_MAX_HOURS, minutes=1))
    assert post(client, petition.number, code).status_code == 200
    assert "_auth_user_id" not in client.session  # the ended session was logged out
