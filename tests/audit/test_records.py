"""What the audit trail records: logins, logouts, roles and permissions, account flags, views
of full personal data, searches by ID number or phone, exports, downloads, admin changes."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEntry
from petitions.models import PetitionerRole
from tests.factories import PASSWORD, UserFactory, petitioner, register_petition

ID_NUMBER, PHONE = "11010519491231002X", "13812345678"


def entries(action, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, **filters).order_by("pk"))


def only(action, **filters) -> AuditEntry:
    found = entries(action, **filters)
    assert len(found) == 1, found
    return found[0]


def no_full_values(entry: AuditEntry) -> None:
    text = str(entry.detail) + entry.object_repr + entry.path
    assert ID_NUMBER not in text and PHONE not in text


# --- logging in and out -------------------------------------------------------------------


def test_a_login_is_recorded_with_the_address(handler1):
    client = Client(REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="TestBrowser/1.0")
    response = client.post("/login/", {"username": "handler1", "password": PASSWORD})
    assert response.status_code == 302
    entry = only(AuditAction.LOGIN)
    assert entry.actor == handler1 and entry.actor_username == "handler1"
    assert entry.client_address == "10.9.8.7" and entry.user_agent == "TestBrowser/1.0"
    assert entry.path == "/login/"


def test_a_failed_login_is_recorded_with_the_username_tried(handler1):
    client = Client(REMOTE_ADDR="10.9.8.7")
    client.post("/login/", {"username": "handler1", "password": "wrong"})
    client.post("/login/", {"username": "nobody", "password": "wrong"})
    tried = entries(AuditAction.LOGIN_FAILED)
    assert [(e.actor_id, e.actor_username) for e in tried] == [(None, "handler1"), (None, "nobody")]
    assert "wrong" not in str([e.detail for e in tried])
    assert not entries(AuditAction.LOGIN)


def test_a_logout_is_recorded(handler1):
    client = Client()
    client.force_login(handler1)
    client.post("/logout/")
    assert only(AuditAction.LOGOUT).actor == handler1


def test_a_lockout_receiver_is_ready_for_django_axes(db):
    # django-axes is installed on another path: its signal carries request, username and
    # address; the receiver records them (and is connected only when axes is installed).
    from audit.signals import on_locked_out

    on_locked_out(None, request=None, username="handler1", ip_address="10.0.0.5")
    entry = only(AuditAction.LOCKOUT)
    assert entry.actor_username == "handler1" and entry.detail["address"] == "10.0.0.5"


# --- roles, permissions, account flags ----------------------------------------------------


def test_a_role_change_is_recorded_with_before_and_after(handler1):
    handler1.groups.add(Group.objects.get(name="leader"))
    entry = entries(AuditAction.ROLE_CHANGE, object_id=str(handler1.pk))[-1]
    assert entry.detail == {
        "field": "groups",
        "before": ["handler"],
        "after": ["handler", "leader"],
    }
    handler1.groups.clear()
    assert entries(AuditAction.ROLE_CHANGE, object_id=str(handler1.pk))[-1].detail["after"] == []


def test_adding_users_to_a_role_is_recorded(handler1):
    Group.objects.get(name="supervisor").user_set.add(handler1)
    entry = entries(AuditAction.ROLE_CHANGE)[-1]
    assert entry.object_repr == "supervisor" and entry.detail["added"] == [str(handler1)]


def test_permission_changes_are_recorded(handler1):
    permission = Permission.objects.get(codename="view_orgunit")
    handler1.user_permissions.add(permission)
    entry = entries(AuditAction.PERMISSION_CHANGE, object_id=str(handler1.pk))[-1]
    assert entry.detail["after"] == ["accounts.view_orgunit"]
    group = Group.objects.get(name="handler")
    group.permissions.add(permission)
    entry = entries(AuditAction.PERMISSION_CHANGE, object_id=str(group.pk))[-1]
    assert "accounts.view_orgunit" in entry.detail["after"]
    assert "accounts.view_orgunit" not in entry.detail["before"]


def test_account_flag_changes_are_recorded(handler1):
    handler1.is_staff = True
    handler1.is_superuser = True
    handler1.save()
    entry = only(AuditAction.ACCOUNT_FLAG_CHANGE, object_id=str(handler1.pk))
    assert entry.detail == {
        "is_staff": {"before": False, "after": True},
        "is_superuser": {"before": False, "after": True},
    }
    handler1.first_name = "新"
    handler1.save()  # no flag changed: nothing recorded
    assert len(entries(AuditAction.ACCOUNT_FLAG_CHANGE, object_id=str(handler1.pk))) == 1


# --- full personal data and searches ------------------------------------------------------


@pytest.fixture
def identified(handler1):
    people = [
        petitioner(name="李四", id_number=ID_NUMBER, phone=PHONE),
        petitioner(PetitionerRole.MEMBER, name="王五", phone="010-62345678"),
    ]
    return register_petition(handler1, petitioners=people, person_count=2).petition


def test_a_page_showing_full_identity_is_recorded(identified, handler1, city_leader):
    client = Client()
    client.force_login(handler1)
    assert ID_NUMBER in client.get(f"/petitions/{identified.number}/").content.decode()
    entry = only(AuditAction.PERSONAL_DATA_VIEW)
    assert entry.actor == handler1 and entry.object_id == str(identified.pk)
    assert entry.detail == {"via": "page", "id_numbers": 2, "phones": 2}
    # A superior outside the owning unit sees them masked: nothing to record.
    client.force_login(city_leader)
    assert client.get(f"/petitions/{identified.number}/").status_code == 200
    assert len(entries(AuditAction.PERSONAL_DATA_VIEW)) == 1


def test_an_api_detail_showing_full_identity_is_recorded(identified, handler1, city_leader):
    api = APIClient()
    api.force_authenticate(handler1)
    assert api.get(f"/api/v1/petitions/{identified.number}/").json()["petitioners"]
    entry = only(AuditAction.PERSONAL_DATA_VIEW)
    assert entry.actor == handler1 and entry.detail["via"] == "api"
    api.force_authenticate(city_leader)
    api.get(f"/api/v1/petitions/{identified.number}/")
    assert len(entries(AuditAction.PERSONAL_DATA_VIEW)) == 1


def test_searches_by_id_number_or_phone_are_recorded_masked(identified, handler1):
    client = Client()
    client.force_login(handler1)
    client.post("/petitions/new/repeat-panel/", {"petitioners-0-id_number": ID_NUMBER})
    client.post("/petitions/new/repeat-panel/", {"petitioners-0-phone": PHONE})
    api = APIClient()
    api.force_authenticate(handler1)
    assert api.get("/api/v1/petitions/repeat-check/", {"id_number": ID_NUMBER}).status_code == 200
    searches = entries(AuditAction.PERSONAL_DATA_SEARCH)
    assert [(e.detail["via"], e.detail["keys"]) for e in searches] == [
        ("intake", [{"id_number": "110105********002X"}]),
        ("intake", [{"phone": "138****5678"}]),
        ("api", [{"id_number": "110105********002X"}]),
    ]
    for entry in searches:
        no_full_values(entry)
    # A search by name alone is not one by personal data.
    api.get("/api/v1/petitions/repeat-check/", {"name": "李四"})
    assert len(entries(AuditAction.PERSONAL_DATA_SEARCH)) == 3


def test_the_user_admin_showing_a_full_mobile_is_recorded(handler1, sysadmin):
    handler1.mobile = PHONE
    handler1.save()
    client = Client()
    client.force_login(sysadmin)
    assert PHONE in client.get(f"/admin/accounts/user/{handler1.pk}/change/").content.decode()
    entry = only(AuditAction.PERSONAL_DATA_VIEW)
    assert entry.actor == sysadmin and entry.object_id == str(handler1.pk)
    assert entry.detail == {"via": "admin", "phones": 1}
    no_full_values(entry)


# --- exports and downloads ----------------------------------------------------------------


def test_exports_and_document_downloads_are_recorded(city_supervisor, frozen_now):
    client = Client()
    client.force_login(city_supervisor)
    response = client.get("/dashboards/export.xlsx?unit=CT&from=2026-10-01&to=2026-10-31")
    assert response.status_code == 200
    export = only(AuditAction.EXPORT)
    assert export.actor == city_supervisor and export.path == "/dashboards/export.xlsx"
    assert export.detail["filename"].endswith(".xlsx") and "unit=CT" in export.detail["query"]
    response = client.get("/dashboards/report.docx?month=2026-10&unit=CT")
    assert response.status_code == 200
    download = only(AuditAction.DOCUMENT_DOWNLOAD)
    assert download.detail["filename"] == "信访工作月报-CT-2026-10.docx"
    # A refused download is not one.
    client.get("/dashboards/export.xlsx?unit=NOSUCH")
    assert len(entries(AuditAction.EXPORT)) == 1


# --- the admin ----------------------------------------------------------------------------


def test_admin_changes_are_recorded(org, sysadmin):
    client = Client(REMOTE_ADDR="10.1.1.1")
    client.force_login(sysadmin)
    response = client.post(
        f"/admin/accounts/orgunit/{org.d1_community.pk}/change/",
        {
            "code": org.d1_community.code,
            "name": "改名社区",
            "parent": org.d1_street.pk,
            "level": org.d1_community.level,
            "kind": org.d1_community.kind,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = only(AuditAction.ADMIN_CHANGE)
    assert entry.actor == sysadmin and entry.object_repr == "改名社区"
    assert entry.detail["change"] == "change" and entry.client_address == "10.1.1.1"


def test_a_bulk_delete_in_the_admin_is_recorded(org, sysadmin):
    from petitions.models import Category

    unused = [
        Category.objects.create(code=f"99{i}", name=f"测试{i}", is_active=False) for i in range(2)
    ]
    client = Client()
    client.force_login(sysadmin)
    response = client.post(
        "/admin/petitions/category/",
        {"action": "delete_selected", "_selected_action": [c.pk for c in unused], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Category.objects.filter(pk__in=[c.pk for c in unused]).exists()
    deleted = entries(AuditAction.ADMIN_CHANGE)
    assert sorted(e.object_repr for e in deleted) == sorted(str(c) for c in unused)
    assert {e.detail["change"] for e in deleted} == {"delete"}


@pytest.fixture
def sysadmin(org):
    return UserFactory(username="sysadmin2", org_unit=org.city, is_staff=True, roles=["admin"])


def test_password_changes_two_factor_resets_and_token_revocations_are_recorded(org):
    from accounts.tokens.services import api_token_issue, api_tokens_revoke_all
    from accounts.twofactor.services import otp_reset

    user = UserFactory(org_unit=org.city, roles=["handler"])
    security = UserFactory(org_unit=org.city, roles=["security"])
    api_token_issue(user=user)
    user.set_password("An0ther-pass-2026")
    user.save()
    assert only(AuditAction.PASSWORD_CHANGE).object_id == str(user.pk)
    revoked = only(AuditAction.TOKEN_REVOKED)
    assert revoked.detail == {"count": 1, "reason": "password_change"}

    api_token_issue(user=user)
    otp_reset(actor=security, user_id=user.pk)
    reset = only(AuditAction.TWO_FACTOR_RESET)
    assert (reset.actor, reset.object_id) == (security, str(user.pk))
    assert len(entries(AuditAction.TOKEN_REVOKED)) == 2
    assert api_tokens_revoke_all(user=user) == 0  # nothing left: nothing recorded
    assert len(entries(AuditAction.TOKEN_REVOKED)) == 2
