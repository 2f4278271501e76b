"""Two-step verification (django-otp): enrolment, the second page of logging in, backup codes,
the production rule for privileged roles, turning it off and the security administrator's
reset. Codes are computed from the device's key on the frozen clock."""

import datetime
import re
from base64 import b32decode
from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.twofactor.services import otp_reset
from core.exceptions import NotAllowed
from tests.factories import PASSWORD, UserFactory

PETITIONS = "/petitions/"
API_PETITIONS = "/api/v1/petitions/"
VERIFY = reverse("otp_verify")
ENROL = reverse("accounts:otp_enrol")


def code_of(device: TOTPDevice) -> str:
    """The code the user's app shows now (the clock is frozen)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def with_device(user, backup_codes=()) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    if backup_codes:
        static = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
        for code in backup_codes:
            StaticToken.objects.create(device=static, token=code)
    return device


def password_login(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content


@pytest.fixture
def handler(org):
    return UserFactory(username="h1", org_unit=org.d1_office, roles=["handler"])


@pytest.fixture
def leader(org):
    return UserFactory(username="l1", org_unit=org.city, roles=["leader"])


@pytest.fixture
def security_admin(org):
    return UserFactory(username="sec", org_unit=org.city, roles=["security"])


@pytest.fixture
def system_admin(org):
    return UserFactory(username="sys", org_unit=org.city, roles=["admin"], is_staff=True)


# --- enrolment ------------------------------------------------------------------------------


def test_enrolment_with_the_right_code_turns_it_on_and_shows_ten_backup_codes_once(
    client, handler, frozen_now
):
    client.force_login(handler)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html and 'id="otp-secret"' in html
    assert "<script>" not in html.split("<main", 1)[1] and 'style="' not in html
    assert not TOTPDevice.objects.exists()  # the page writes no row
    key = client.session["otp_enrol_key"]
    # The secret shown for typing in is the key of the QR code.
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert b32decode(secret) == unhexlify(key)

    response = client.post(ENROL, {"code": code_of(TOTPDevice(key=key))})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_backup_codes")
    device = TOTPDevice.objects.get(user=handler)
    assert device.confirmed and device.key == key

    codes_page = client.get(reverse("accounts:otp_backup_codes"))
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in codes_page.content.decode() for code in codes)
    assert set(
        StaticToken.objects.filter(device__user=handler).values_list("token", flat=True)
    ) == set(codes)
    # Shown once only.
    assert client.get(reverse("accounts:otp_backup_codes")).status_code == 302
    # The session that enrolled is verified.
    assert client.get(PETITIONS).status_code == 200


def test_enrolment_with_a_wrong_code_is_refused(client, handler, frozen_now):
    client.force_login(handler)
    client.get(ENROL)
    key = client.session["otp_enrol_key"]
    right = code_of(TOTPDevice(key=key))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(ENROL, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert client.session["otp_enrol_key"] == key  # the same QR code stays on the page


# --- logging in -----------------------------------------------------------------------------


def test_login_with_a_device_asks_for_the_code_and_refuses_a_wrong_one(
    client, handler, frozen_now, time_machine
):
    device = with_device(handler)
    password_login(client, handler)

    response = client.get(PETITIONS)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fpetitions%2F"
    assert client.get(API_PETITIONS).json()["code"] == "otp_verification_required"

    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(VERIFY, {"code": wrong, "next": PETITIONS})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert client.get(PETITIONS).status_code == 302

    time_machine.shift(datetime.timedelta(seconds=2))  # django-otp's wait after a failure
    accepted = client.post(VERIFY, {"code": code_of(device), "next": PETITIONS})
    assert accepted.status_code == 302 and accepted["Location"] == PETITIONS
    assert client.get(PETITIONS).status_code == 200
    assert client.get(API_PETITIONS).status_code == 200


def test_a_backup_code_works_once(client, handler, frozen_now):
    with_device(handler, backup_codes=["abcd2345", "efgh6789"])
    password_login(client, handler)
    assert client.post(VERIFY, {"code": "ABCD 2345"}).status_code == 302
    assert client.get(PETITIONS).status_code == 200
    client.post(reverse("logout"))

    password_login(client, handler)
    refused = client.post(VERIFY, {"code": "abcd2345"})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert client.get(PETITIONS).status_code == 302
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6789"]


def test_the_admin_asks_for_the_code_of_a_staff_user_with_a_device(client, system_admin):
    with_device(system_admin)
    client.force_login(system_admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_the_admin_site_refuses_an_unverified_session_by_itself(rf, system_admin):
    """Without the middleware's redirect, the admin site's own check keeps it shut."""
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    with_device(system_admin)
    request = rf.get("/admin/")
    request.session = SessionStore()
    request.user = system_admin
    system_admin.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.session["otp_step"] = "done"
    assert admin.site.has_permission(request)


# --- production: required for privileged roles ----------------------------------------------


def test_in_production_a_leader_without_a_device_is_sent_to_enrolment(
    client, leader, settings, frozen_now
):
    settings.OTP_ENFORCED = True
    password_login(client, leader)

    response = client.get(PETITIONS)
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    assert client.get("/cases/").status_code == 302
    api = client.get(API_PETITIONS)
    assert api.status_code == 403 and api.json()["code"] == "otp_enrolment_required"
    assert client.get(reverse("accounts:security")).status_code == 302
    assert client.get(ENROL).status_code == 200

    key = client.session["otp_enrol_key"]
    client.post(ENROL, {"code": code_of(TOTPDevice(key=key))})
    assert client.get(PETITIONS).status_code == 200


def test_in_production_a_new_leader_enrols_then_changes_the_password(
    client, leader, settings, frozen_now
):
    """Both production gates at the first login: the second step first, then the password an
    administrator set. Neither middleware sends the browser round in a loop."""
    settings.OTP_ENFORCED = True
    settings.PASSWORD_CHANGE_AT_FIRST_LOGIN = True
    leader.must_change_password = True
    leader.save(update_fields=["must_change_password"])
    password_login(client, leader)

    landing = client.get(PETITIONS, follow=True)
    assert landing.redirect_chain[-1][0].startswith(ENROL)
    assert landing.status_code == 200
    key = client.session["otp_enrol_key"]
    client.post(ENROL, {"code": code_of(TOTPDevice(key=key))})
    assert client.get(reverse("accounts:otp_backup_codes")).status_code == 200

    landing = client.get(PETITIONS, follow=True)
    assert landing.redirect_chain[-1][0] == reverse("password_change")
    assert landing.status_code == 200


def test_in_production_a_handler_is_not_forced(client, handler, settings):
    settings.OTP_ENFORCED = True
    password_login(client, handler)
    assert client.session["otp_step"] == "done"  # the login worked out: nothing owed
    assert client.get(PETITIONS).status_code == 200
    assert client.get(API_PETITIONS).status_code == 200
    # May still set it up.
    assert client.get(reverse("accounts:security")).context["otp_required"] is False


def test_in_development_a_leader_is_not_forced(client, leader, settings):
    settings.OTP_ENFORCED = False
    password_login(client, leader)
    assert client.get(PETITIONS).status_code == 200


# --- the user's own settings ----------------------------------------------------------------


def test_the_account_security_page_shows_the_state_and_regenerates_backup_codes(
    client, handler, frozen_now
):
    client.force_login(handler)
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200 and page.context["otp_enabled"] is False

    client.post(reverse("logout"))
    with_device(handler, backup_codes=["aaaa2222"])
    password_login(client, handler)
    client.post(VERIFY, {"code": "aaaa2222"})
    StaticToken.objects.create(device=StaticDevice.objects.get(user=handler), token="cccc4444")
    assert client.get(reverse("accounts:security")).context["backup_codes_left"] == 1
    response = client.post(reverse("accounts:otp_backup_codes"))
    assert response.status_code == 302
    codes = client.get(reverse("accounts:otp_backup_codes")).context["codes"]
    assert len(codes) == 10 and "cccc4444" not in codes
    assert StaticToken.objects.filter(device__user=handler).count() == 10


def test_a_user_not_required_turns_it_off_with_a_code(client, handler, frozen_now, time_machine):
    device = with_device(handler, backup_codes=["aaaa2222"])
    password_login(client, handler)
    client.post(VERIFY, {"code": "aaaa2222"})

    refused = client.post(reverse("accounts:otp_disable"), {"code": "000000"})
    assert refused.status_code == 200 and refused.context["disable_form"].errors["code"]
    assert TOTPDevice.objects.filter(user=handler).exists()

    time_machine.shift(datetime.timedelta(seconds=2))  # django-otp's wait after a failure
    response = client.post(reverse("accounts:otp_disable"), {"code": code_of(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert not StaticDevice.objects.filter(user=handler).exists()


def test_a_user_whose_role_requires_it_cannot_turn_it_off(
    client, leader, settings, frozen_now, time_machine
):
    settings.OTP_ENFORCED = True
    device = with_device(leader)
    password_login(client, leader)
    client.post(VERIFY, {"code": code_of(device)})

    assert client.get(reverse("accounts:security")).context["otp_required"] is True
    time_machine.shift(datetime.timedelta(seconds=30))
    response = client.post(reverse("accounts:otp_disable"), {"code": code_of(device)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=leader).exists()


# --- the security administrator's reset -----------------------------------------------------


def test_the_security_administrator_lists_users_and_resets_one(
    client, security_admin, handler, leader
):
    with_device(handler, backup_codes=["aaaa2222", "bbbb3333"])
    AuthToken.objects.create(user=handler)
    client.force_login(security_admin)

    page = client.get(reverse("accounts:otp_users"))
    assert page.status_code == 200
    rows = {row["user"].username: row["user"] for row in page.context["rows"]}
    assert rows["h1"].otp_enabled and rows["h1"].backup_codes_left == 2
    assert not rows["l1"].otp_enabled

    response = client.post(reverse("accounts:otp_reset", args=[handler.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert not StaticDevice.objects.filter(user=handler).exists()
    assert not AuthToken.objects.filter(user=handler).exists()


def test_the_users_list_takes_the_same_queries_for_more_users(
    client, security_admin, org, django_assert_num_queries
):
    client.force_login(security_admin)
    client.get(reverse("accounts:otp_users"))
    for n in range(5):
        with_device(UserFactory(org_unit=org.city, roles=["leader", "handler"]), [f"a{n:07d}"])
    # session, user, the caller's roles, count, page, the page's groups, the caller's unit (menu)
    with django_assert_num_queries(7):
        assert client.get(reverse("accounts:otp_users")).status_code == 200


def test_the_system_administrator_cannot_reset_two_factor(client, system_admin, handler):
    with_device(handler)
    client.force_login(system_admin)
    assert client.get(reverse("accounts:otp_users")).status_code == 403
    assert client.post(reverse("accounts:otp_reset", args=[handler.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=handler).exists()


def test_reset_of_an_unknown_user_is_404(client, security_admin):
    client.force_login(security_admin)
    assert client.post(reverse("accounts:otp_reset", args=[10**9])).status_code == 404
    assert client.post(reverse("accounts:otp_reset", args=[2**63])).status_code == 404


def test_the_reset_reads_the_actors_role_from_the_fresh_row(security_admin, handler):
    with_device(handler)
    assert security_admin.has_role("security")  # cached on this object
    security_admin.groups.clear()
    with pytest.raises(NotAllowed):
        otp_reset(actor=security_admin, user_id=handler.pk)
    assert TOTPDevice.objects.filter(user=handler).exists()


def test_after_a_reset_a_required_user_enrols_again(
    client, leader, security_admin, settings, frozen_now
):
    settings.OTP_ENFORCED = True
    device = with_device(leader)
    password_login(client, leader)
    client.post(VERIFY, {"code": code_of(device)})
    assert client.get(PETITIONS).status_code == 200

    otp_reset(actor=security_admin, user_id=leader.pk)

    response = client.get(PETITIONS)
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_the_admin_site_offers_no_two_factor_devices(client, org):
    """Resetting devices is the security administrator's page alone, not a superuser's admin."""
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    superuser = UserFactory(org_unit=org.city, roles=["admin"], is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/").status_code == 200
