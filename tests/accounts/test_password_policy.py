"""Password policy (accounts.passwords): length and character classes, not like the username
nor common, the last five not reused (recorded on every change), expiry, and the forced change
of a password an administrator set."""

import datetime
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import PasswordHistory, User
from tests.factories import UserFactory

CHANGE = "/password/change/"
LIST = "/petitions/"


def change_password(client: Client, old: str, new: str):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(CHANGE, data)


def messages_for(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ab1!xyzq", "密码太短"),  # 8 characters
        ("abcdefghijkl", "至少包含"),  # one class
        ("abcdefgh1234", "至少包含"),  # two classes
        ("Qwerty12345", "太常见"),
    ],
)
def test_each_rule_refuses_in_chinese(password, fragment, db):
    assert any(fragment in message for message in messages_for(password))


def test_a_password_like_the_username_is_refused(handler1):
    assert any("相似" in message for message in messages_for("Handler1!x", handler1))


@pytest.mark.parametrize("password", ["demo-pass-2026", "Fresh-Pass-2027", "Abcdefgh12"])
def test_good_passwords_and_the_demo_password_pass(password, handler1):
    assert messages_for(password, handler1) == []
    assert django_settings.DEMO_PASSWORD == "demo-pass-2026"


def test_the_last_five_passwords_are_not_reused(handler1):
    passwords = [f"Number-{n}-Pass" for n in range(6)]
    for password in passwords:
        handler1.set_password(password)
        handler1.save()
    for recent in passwords[1:]:  # the current one and the four before it
        assert any("最近 5 次" in message for message in messages_for(recent, handler1))
    assert messages_for(passwords[0], handler1) == []  # the sixth-last may come back
    assert PasswordHistory.objects.filter(user=handler1).count() == 5


def test_every_path_records_the_password(handler1, org):
    def recorded() -> int:
        return PasswordHistory.objects.filter(user=handler1).count()

    handler1.set_password("Path-One-2026")  # set_password, then save
    handler1.save()
    assert recorded() == 1

    client = Client()
    client.force_login(handler1)
    response = change_password(client, "Path-One-2026", "Path-Two-2026")
    assert response.status_code == 302
    assert recorded() == 2

    with mock.patch("getpass.getpass", return_value="Path-Three-2026"):
        call_command("changepassword", "handler1", stdout=mock.MagicMock())
    assert recorded() == 3

    admin = Client()
    admin.force_login(UserFactory(org_unit=org.city, is_staff=True, is_superuser=True))
    response = admin.post(
        f"/admin/accounts/user/{handler1.pk}/password/",
        {"password1": "Path-Four-2026", "password2": "Path-Four-2026"},
    )
    assert response.status_code == 302
    assert recorded() == 4
    handler1.refresh_from_db()
    assert handler1.check_password("Path-Four-2026")
    # A reused one is refused on the page, in Chinese.
    response = admin.post(
        f"/admin/accounts/user/{handler1.pk}/password/",
        {"password1": "Path-Two-2026", "password2": "Path-Two-2026"},
    )
    assert response.status_code == 200
    assert "最近 5 次" in response.content.decode()


def test_the_admin_add_form_applies_the_policy(org):
    admin = Client()
    admin.force_login(UserFactory(org_unit=org.city, is_staff=True, is_superuser=True))
    response = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "short1",
            "password2": "short1",
        },
    )
    assert response.status_code == 200
    assert "密码太短" in response.content.decode()
    assert not User.objects.filter(username="newclerk").exists()


@pytest.fixture
def expiring(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90


def test_an_expired_password_sends_pages_to_the_change_page(
    handler1, expiring, frozen_now, time_machine
):
    handler1.set_password("Current-Pass-2026")
    handler1.save()
    client = Client()
    client.force_login(handler1)
    assert client.get(LIST).status_code == 200

    time_machine.shift(datetime.timedelta(days=90, minutes=1))
    client.force_login(handler1)  # a fresh session: only the password has aged
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == CHANGE
    htmx = client.get(LIST, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == CHANGE
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "密码已过期" in page.content.decode()
    assert "至少包含" in page.content.decode()  # the policy's help text

    api = APIClient()
    api.force_authenticate(handler1)
    refused = api.get("/api/v1/org-units/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_expired"

    response = change_password(client, "Current-Pass-2026", "Renewed-Pass-2027")
    assert response.status_code == 302
    assert client.get(LIST).status_code == 200
    handler1.refresh_from_db()
    api.force_authenticate(handler1)
    assert api.get("/api/v1/org-units/").status_code == 200


def test_without_expiry_old_passwords_keep_working(handler1, settings, frozen_now, time_machine):
    settings.PASSWORD_MAX_AGE_DAYS = 0  # development
    time_machine.shift(datetime.timedelta(days=400))
    client = Client()
    client.force_login(handler1)
    assert client.get(LIST).status_code == 200


def test_first_login_forces_a_change_in_production(org, settings):
    settings.PASSWORD_CHANGE_AT_FIRST_LOGIN = True
    admin = Client()
    admin.force_login(UserFactory(org_unit=org.city, is_staff=True, is_superuser=True))
    response = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "newclerk",
            "usable_password": "true",
            "password1": "Initial-Pass-2026",
            "password2": "Initial-Pass-2026",
            "org_unit": org.d1_office.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newclerk")
    assert user.must_change_password

    client = Client()
    response = client.post("/login/", {"username": "newclerk", "password": "Initial-Pass-2026"})
    assert response.status_code == 302
    response = client.get(LIST)
    assert response["Location"] == CHANGE
    assert "管理员设置" in client.get(CHANGE).content.decode()
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/org-units/").json()["code"] == "password_change_required"

    change_password(client, "Initial-Pass-2026", "Own-Choice-2026")
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(LIST).status_code == 200

    # A reset by an administrator makes the password temporary again.
    admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Reset-Pass-2026", "password2": "Reset-Pass-2026"},
    )
    user.refresh_from_db()
    assert user.must_change_password


def test_in_development_nobody_is_forced(org, settings):
    settings.PASSWORD_CHANGE_AT_FIRST_LOGIN = False
    user = UserFactory(org_unit=org.d1_office, must_change_password=True)
    client = Client()
    client.force_login(user)
    assert client.get(LIST).status_code == 200


def test_a_password_change_sends_password_changed(handler1):
    from accounts.models import password_changed

    received = []

    def receiver(*, user, **kwargs):
        received.append(user.pk)

    password_changed.connect(receiver)
    try:
        handler1.last_name = "王"
        handler1.save()  # no password change
        handler1.set_password("Signal-Pass-2026")
        handler1.save()
    finally:
        password_changed.disconnect(receiver)
    assert received == [handler1.pk]
