"""Sessions end after SESSION_IDLE_MINUTES idle and SESSION_MAX_HOURS in all
(accounts.middleware.SessionTimeoutMiddleware); a password change ends the other sessions."""

import datetime

import pytest
from django.test import Client

from tests.factories import PASSWORD

PAGE = "/password/change/"  # a light page that needs a login
LIST = "/petitions/"


@pytest.fixture
def client1(handler1, frozen_now):
    client = Client()
    response = client.post("/login/", {"username": "handler1", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_ends_after_thirty_minutes_idle(client1, time_machine):
    time_machine.shift(datetime.timedelta(minutes=29))
    assert client1.get(PAGE).status_code == 200  # activity: the idle time starts again
    time_machine.shift(datetime.timedelta(minutes=29))
    assert client1.get(PAGE).status_code == 200

    time_machine.shift(datetime.timedelta(minutes=31))
    response = client1.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in client1.session
    # Logged out for good: the next request too.
    assert client1.get(PAGE).status_code == 302


def test_a_session_ends_twelve_hours_after_its_login_whatever_the_activity(client1, time_machine):
    for _ in range(35):  # a request every 20 minutes: 11 h 40 min
        time_machine.shift(datetime.timedelta(minutes=20))
        assert client1.get(PAGE).status_code == 200
    time_machine.shift(datetime.timedelta(minutes=21))  # 12 h 01 min after the login
    response = client1.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_polling_is_no_activity(client1, time_machine):
    for _ in range(4):  # the bell polls while the page stays open
        time_machine.shift(datetime.timedelta(minutes=8))
        client1.get("/notifications/bell/", HTTP_HX_REQUEST="true")
    response = client1.get(PAGE)
    assert response.status_code == 302


def test_an_htmx_request_of_an_ended_session_sends_the_browser_to_the_login_page(
    client1, time_machine
):
    time_machine.shift(datetime.timedelta(minutes=31))
    response = client1.get(
        LIST, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/petitions/?page=2"
    )
    assert response.status_code == 200
    # Back to the page afterwards, not to the fragment it asked for.
    assert response["HX-Redirect"] == "/login/?next=/petitions/%3Fpage%3D2"
    assert not response.content  # nothing to swap into the fragment

    # A session already gone (the view's own login redirect) is sent the same way.
    response = client1.get(
        "/cases/queue/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/cases/"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/cases/"


def test_the_api_refuses_an_ended_session(client1, time_machine):
    assert client1.get("/api/v1/org-units/").status_code == 200
    time_machine.shift(datetime.timedelta(minutes=31))
    assert client1.get("/api/v1/org-units/").status_code == 401


def test_a_password_change_ends_the_other_sessions(handler1):
    office, home = Client(), Client()
    for client in (office, home):
        assert (
            client.post("/login/", {"username": "handler1", "password": PASSWORD}).status_code
            == 302
        )
    response = office.post(
        PAGE,
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-Pass-2027",
            "new_password2": "Fresh-Pass-2027",
        },
    )
    assert response.status_code == 302
    assert office.get(PAGE).status_code == 200  # this session goes on
    assert home.get(PAGE).status_code == 302  # the other one has ended
