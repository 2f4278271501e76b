"""API tokens (django-rest-knox): issued for username, password and the `otp` code of a user
who has a device; they expire; the owner lists and revokes them; logging out revokes the token
used; a new password revokes them all."""

import datetime

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.accounts.test_twofactor import code_of, with_device
from tests.factories import PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
PROBE = "/api/v1/notifications/"  # any endpoint that needs a login


@pytest.fixture
def handler(org):
    return UserFactory(username="h1", org_unit=org.d1_office, roles=["handler"])


@pytest.fixture
def other(org):
    return UserFactory(username="h2", org_unit=org.d1_office, roles=["handler"])


def obtain(user, **extra) -> dict:
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- login ----------------------------------------------------------------------------------


def test_a_token_expires_after_the_ttl(handler, frozen_now, time_machine):
    body = obtain(handler)
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert expiry == frozen_now + datetime.timedelta(days=7)
    client = with_token(body["token"])
    assert client.get(PROBE).status_code == 200

    time_machine.shift(datetime.timedelta(days=7) - datetime.timedelta(seconds=1))
    assert client.get(PROBE).status_code == 200
    time_machine.shift(datetime.timedelta(seconds=2))
    assert client.get(PROBE).status_code == 401
    assert not AuthToken.objects.filter(user=handler).exists()


def test_the_hourly_purge_deletes_expired_tokens_of_users_who_never_come_back(
    handler, frozen_now, time_machine, settings
):
    from accounts import tasks
    from accounts.tokens.services import api_token_issue

    api_token_issue(user=handler)
    time_machine.shift(datetime.timedelta(days=3))
    api_token_issue(user=handler)
    time_machine.shift(datetime.timedelta(days=5))  # the first is past its 7 days
    assert tasks.purge_expired_api_tokens() == 1
    assert AuthToken.objects.filter(user=handler).count() == 1
    assert tasks.purge_expired_api_tokens() == 0
    assert "accounts.tasks.purge_expired_api_tokens" in {
        job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_the_token_endpoint_needs_the_otp_code_of_a_user_with_a_device(
    handler, frozen_now, time_machine
):
    device = with_device(handler)
    client = APIClient()
    login = {"username": "h1", "password": PASSWORD}

    missing = client.post(TOKEN_URL, login, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()
    right = code_of(device)
    wrong = client.post(TOKEN_URL, {**login, "otp": f"{(int(right) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400 and "otp" in wrong.json()
    assert not AuthToken.objects.exists()

    time_machine.shift(datetime.timedelta(seconds=2))  # django-otp's wait after a failure
    body = obtain(handler, otp=code_of(device))
    assert with_token(body["token"]).get(PROBE).status_code == 200
    # The same code does not work twice.
    again = client.post(TOKEN_URL, {**login, "otp": code_of(device)}, format="json")
    assert again.status_code == 400 and "otp" in again.json()


def test_a_wrong_password_is_a_400_without_asking_for_the_code(handler):
    with_device(handler)
    response = APIClient().post(
        TOKEN_URL, {"username": "h1", "password": "wrong", "otp": "123456"}, format="json"
    )
    assert response.status_code == 400
    assert "otp" not in response.json() and "token" not in response.json()


def test_in_production_a_leader_without_a_device_gets_no_token(org, settings):
    settings.OTP_ENFORCED = True
    UserFactory(username="l1", org_unit=org.city, roles=["leader"])
    response = APIClient().post(TOKEN_URL, {"username": "l1", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_enrolment_required"
    assert not AuthToken.objects.exists()


def test_in_production_a_handler_without_a_device_gets_a_token(handler, settings):
    settings.OTP_ENFORCED = True
    assert obtain(handler)["token"]


# --- the owner's tokens ---------------------------------------------------------------------


def test_the_owner_lists_their_tokens_without_the_tokens_themselves(
    handler, other, django_assert_num_queries
):
    first = obtain(handler)["token"]
    second = obtain(handler)["token"]
    obtain(other)
    client = with_token(second)

    # token + user, the user's roles (the auditor rule), the user's tokens (expiry sweep),
    # count, page
    with django_assert_num_queries(5):
        response = client.get(TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 2
    assert {row["id"] for row in rows} == {first[:15], second[:15]}
    assert [row["current"] for row in rows if row["id"] == second[:15]] == [True]
    assert set(rows[0]) == {"id", "created", "expiry", "current"}
    content = response.content.decode()
    assert first not in content and second not in content
    assert all(t.digest not in content for t in AuthToken.objects.all())


def test_the_owner_revokes_one_token(handler):
    first = obtain(handler)["token"]
    second = obtain(handler)["token"]
    client = with_token(second)

    assert client.delete(f"{TOKENS_URL}{first[:15]}/").status_code == 204

    assert with_token(first).get(PROBE).status_code == 401
    assert client.get(PROBE).status_code == 200


def test_another_users_token_is_not_found(handler, other):
    mine = obtain(handler)["token"]
    theirs = obtain(other)["token"]
    client = with_token(mine)

    assert client.delete(f"{TOKENS_URL}{theirs[:15]}/").status_code == 404
    assert theirs[:15] not in client.get(TOKENS_URL).content.decode()
    assert with_token(theirs).get(PROBE).status_code == 200


def test_logout_revokes_the_token_used_and_logout_all_every_one(handler):
    first = obtain(handler)["token"]
    second = obtain(handler)["token"]
    third = obtain(handler)["token"]

    assert with_token(first).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(first).get(PROBE).status_code == 401
    assert with_token(second).get(PROBE).status_code == 200

    assert with_token(second).post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(second).get(PROBE).status_code == 401
    assert with_token(third).get(PROBE).status_code == 401


def test_logout_all_from_the_web_session_revokes_the_tokens(client, handler):
    token = obtain(handler)["token"]
    client.force_login(handler)
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(token).get(PROBE).status_code == 401


# --- a new password revokes every token -----------------------------------------------------


def test_a_password_change_revokes_every_token(handler, other):
    tokens = [obtain(handler)["token"], obtain(handler)["token"]]
    kept = obtain(other)["token"]

    form = SetPasswordForm(
        handler, {"new_password1": "Xy7!long-pass", "new_password2": "Xy7!long-pass"}
    )
    assert form.is_valid(), form.errors
    form.save()

    assert all(with_token(token).get(PROBE).status_code == 401 for token in tokens)
    assert with_token(kept).get(PROBE).status_code == 200


def test_saving_a_user_without_a_new_password_keeps_the_tokens(handler):
    token = obtain(handler)["token"]  # (the login itself saves last_login)
    handler.refresh_from_db()
    handler.first_name = "新"
    handler.save()
    assert with_token(token).get(PROBE).status_code == 200


def test_the_admin_password_change_revokes_every_token(client, org, handler):
    admin = UserFactory(org_unit=org.city, roles=["admin"], is_staff=True, is_superuser=True)
    token = obtain(handler)["token"]
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{handler.pk}/password/",
        {"password1": "Xy7!long-pass", "password2": "Xy7!long-pass", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert with_token(token).get(PROBE).status_code == 401


def test_a_device_reset_leaves_no_token_to_use_without_it(org, handler):
    from accounts.twofactor.services import otp_reset

    security = UserFactory(org_unit=org.city, roles=["security"])
    token = obtain(handler)["token"]
    TOTPDevice.objects.create(user=handler, confirmed=True)
    otp_reset(actor=security, user_id=handler.pk)
    assert with_token(token).get(PROBE).status_code == 401
