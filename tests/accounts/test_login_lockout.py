"""Login lockout and throttling (django-axes, accounts.login_guard) on the three login paths:
the login page, the admin's login and the API token endpoint."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.login_guard import client_ip
from tests.factories import PASSWORD, UserFactory

LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN = "/api/v1/auth/token/"
PATHS = [LOGIN, ADMIN_LOGIN, TOKEN]


@pytest.fixture
def staff(org):
    """A staff user (the admin login admits only staff) with the test password."""
    return UserFactory(username="staff1", org_unit=org.city, is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _no_api_throttle(settings):
    # The lockout tests post many times; the throttle has its own test below.
    settings.LOGIN_API_RATE = "10000/minute"


def attempt(client, path, username, password, **extra):
    if path == TOKEN:
        return client.post(path, {"username": username, "password": password}, **extra)
    return client.post(path, {"username": username, "password": password}, **extra)


def logged_in(client, path, response) -> bool:
    if path == TOKEN:
        return response.status_code == 200 and "token" in response.json()
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", PATHS)
def test_fifty_wrong_passwords_then_the_right_one_is_refused(path, staff):
    client = APIClient()
    for _ in range(50):
        response = attempt(client, path, "staff1", "wrong-password-1")
        assert response.status_code in (200, 400, 429)
    response = attempt(client, path, "staff1", PASSWORD)

    assert not logged_in(client, path, response)
    assert response.status_code == 429
    assert response["Retry-After"]
    if path == TOKEN:
        body = response.json()
        assert body["code"] == "login_locked"
        assert "锁定" in body["detail"]
    else:
        assert "锁定" in response.content.decode()
        assert 'id="lockout-message"' in response.content.decode()


@pytest.mark.parametrize("path", PATHS)
def test_the_right_password_works_before_the_limit(path, staff):
    client = APIClient()
    for _ in range(4):
        attempt(client, path, "staff1", "wrong-password-1")
    response = attempt(client, path, "staff1", PASSWORD)
    assert logged_in(client, path, response)


def test_unknown_user_and_wrong_password_get_the_same_message(handler1):
    client = APIClient()
    wrong = client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    unknown = client.post(LOGIN, {"username": "nobody-here", "password": "wrong-password-1"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert wrong.context["form"].non_field_errors()

    wrong = client.post(TOKEN, {"username": "handler1", "password": "wrong-password-1"})
    unknown = client.post(TOKEN, {"username": "nobody-here", "password": "wrong-password-1"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()


def test_an_unknown_user_is_locked_like_a_known_one(org):
    client = APIClient()
    for _ in range(5):
        client.post(LOGIN, {"username": "nobody-here", "password": "wrong-password-1"})
    response = client.post(LOGIN, {"username": "nobody-here", "password": "wrong-password-1"})
    assert response.status_code == 429


def test_the_lockout_lifts_after_its_time(handler1, frozen_now, time_machine):
    client = APIClient()
    for _ in range(5):
        client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    assert client.post(LOGIN, {"username": "handler1", "password": PASSWORD}).status_code == 429

    time_machine.shift(datetime.timedelta(minutes=29))
    assert client.post(LOGIN, {"username": "handler1", "password": PASSWORD}).status_code == 429
    assert "_auth_user_id" not in client.session

    time_machine.shift(datetime.timedelta(minutes=2))
    response = client.post(LOGIN, {"username": "handler1", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_failures_count_within_the_window(handler1, frozen_now, time_machine):
    """Four failures, a pause longer than the window, one more: not locked. Five failures a
    few minutes apart within the window: locked."""
    client = APIClient()
    for _ in range(4):
        client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    time_machine.shift(datetime.timedelta(minutes=16))
    client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    assert client.post(LOGIN, {"username": "handler1", "password": PASSWORD}).status_code == 302

    client.logout()
    time_machine.shift(datetime.timedelta(minutes=1))
    for _ in range(5):
        time_machine.shift(datetime.timedelta(minutes=3))
        client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    assert client.post(LOGIN, {"username": "handler1", "password": PASSWORD}).status_code == 429


def test_the_lockout_is_per_account_not_per_address(handler1, handler2):
    client = APIClient()
    for _ in range(5):
        client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    # The same office address: a colleague still logs in.
    assert client.post(LOGIN, {"username": "handler2", "password": PASSWORD}).status_code == 302


def test_an_address_is_refused_after_its_limit(handler1, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    client = APIClient()
    for number in range(8):  # different names: no account reaches its limit
        client.post(
            LOGIN, {"username": f"guess{number}", "password": "x"}, REMOTE_ADDR="203.0.113.9"
        )
    refused = client.post(
        LOGIN, {"username": "handler1", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    elsewhere = client.post(
        LOGIN, {"username": "handler1", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert elsewhere.status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_address_limit(handler1, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    client = APIClient()
    for number in range(8):
        client.post(
            LOGIN,
            {"username": f"guess{number}", "password": "x"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}",
        )
    response = client.post(
        LOGIN,
        {"username": "handler1", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )
    assert response.status_code == 429


def test_client_address_behind_the_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1  # nginx appended the address it saw
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(garbage) == "10.0.0.2"


def test_the_token_endpoint_is_throttled_per_address(handler1, settings):
    settings.LOGIN_API_RATE = "3/minute"
    client = APIClient()
    for _ in range(3):
        client.post(TOKEN, {"username": "someone", "password": "x"}, REMOTE_ADDR="203.0.113.9")
    response = client.post(
        TOKEN, {"username": "handler1", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0

    other = client.post(
        TOKEN, {"username": "handler1", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 200


def test_the_security_administrator_sees_and_lifts_a_lockout(handler1, org):
    client = APIClient()
    for _ in range(5):
        client.post(LOGIN, {"username": "handler1", "password": "wrong-password-1"})
    assert client.post(LOGIN, {"username": "handler1", "password": PASSWORD}).status_code == 429

    officer = UserFactory(org_unit=org.city, roles=["security"], is_staff=True)
    admin = APIClient()
    admin.force_login(officer)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "handler1" in listing.content.decode()
    attempt_ids = list(
        AccessAttempt.objects.filter(username="handler1").values_list("pk", flat=True)
    )
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempt_ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="handler1").exists()

    assert client.post(LOGIN, {"username": "handler1", "password": PASSWORD}).status_code == 302


def test_authenticate_with_drf_s_request_flags_the_lockout_for_the_middleware(handler1):
    """Another token view (e.g. django-rest-knox's) calls authenticate(request=request) with
    DRF's Request: axes's middleware still turns the answer into the lockout's 429."""
    from django.contrib.auth import authenticate
    from rest_framework.parsers import JSONParser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from accounts.login_guard import lockout_response

    factory = APIRequestFactory()
    for _ in range(6):
        raw = factory.post(TOKEN, {"username": "handler1"}, format="json")
        request = Request(raw, parsers=[JSONParser()])
        assert authenticate(request=request, username="handler1", password="wrong-1") is None
    assert raw.axes_locked_out
    request = Request(factory.post(TOKEN, {}, format="json"), parsers=[JSONParser()])
    assert authenticate(request=request, username="handler1", password=PASSWORD) is None
    assert request._request.axes_locked_out
    response = lockout_response(request._request, None, request._request.axes_credentials)
    assert response.status_code == 429
    assert response["Retry-After"]


def test_authenticate_without_a_request_is_refused_by_axes(handler1, client):
    """axes cannot count a login it cannot place: `client.login()` (no request) raises, so the
    tests log in with `force_login` or through the login page."""
    from axes.exceptions import AxesBackendRequestParameterRequired

    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="handler1", password=PASSWORD)
    client.force_login(handler1)
    assert client.get("/password/change/").status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_the_lockout_is_in_the_audit_trail(path, staff):
    from audit.models import AuditAction, AuditEntry

    client = APIClient()
    for _ in range(5):
        attempt(client, path, "staff1", "wrong-password-1")
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, actor_username="staff1")
    assert failed.count() == 5
    lockout = AuditEntry.objects.get(action=AuditAction.LOCKOUT)
    assert lockout.actor_username == "staff1" and lockout.client_address
