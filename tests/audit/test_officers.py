"""The three officers (三员管理): the system administrator, the security administrator and the
auditor, and the auditor's page."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditAction, AuditEntry
from tests.factories import UserFactory, register_petition

AUDIT = "/audit/"
EXPORT = "/audit/export.xlsx"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field.widget, "decompress"):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# --- the system administrator -------------------------------------------------------------


def test_the_system_administrator_cannot_open_the_audit_trail(sysadmin):
    client = logged_in(sysadmin)
    assert client.get(AUDIT).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert client.get("/admin/audit/auditentry/").status_code == 404
    assert 'href="/audit/"' not in client.get("/petitions/").content.decode()


def test_the_system_administrator_cannot_change_roles(sysadmin, handler1):
    client = logged_in(sysadmin)
    url = f"/admin/accounts/user/{handler1.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    assert "groups" not in data and "user_permissions" not in data  # shown read-only
    leader = Group.objects.get(name="leader")
    data.update(groups=[str(leader.pk)], first_name="改")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    handler1.refresh_from_db()
    assert handler1.first_name == "改"  # the account is the system administrator's
    assert roles_of(handler1) == {"handler"}  # its roles are not
    # Nor on a new account.
    add = client.get("/admin/accounts/user/add/")
    assert "groups" not in add.context["adminform"].form.fields


# --- the security administrator ----------------------------------------------------------


def test_the_security_administrator_changes_roles_and_it_is_audited(security, handler1):
    client = logged_in(security)
    url = f"/admin/accounts/user/{handler1.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    assert set(data) <= {"groups", "user_permissions", "password"}  # the rest is read-only
    leader = Group.objects.get(name="leader")
    data.update(groups=[str(leader.pk)], username="renamed", first_name="改", is_superuser="on")
    response = client.post(url, data)
    assert response.status_code == 302
    handler1.refresh_from_db()
    assert roles_of(handler1) == {"leader"}
    assert handler1.username == "handler1" and handler1.first_name != "改"
    assert not handler1.is_superuser
    # The form sets the roles: a removal, then an addition, each with before and after.
    changes = AuditEntry.objects.filter(
        action=AuditAction.ROLE_CHANGE, object_id=str(handler1.pk), actor=security
    ).order_by("pk")
    assert [(e.detail["before"], e.detail["after"]) for e in changes] == [
        (["handler"], []),
        ([], ["leader"]),
    ]
    assert {e.path for e in changes} == {url}


def test_the_security_administrator_cannot_change_their_own_roles(security):
    client = logged_in(security)
    url = f"/admin/accounts/user/{security.pk}/change/"
    data = form_data(client.get(url))
    assert "groups" not in data
    data["groups"] = [str(Group.objects.get(name="auditor").pk)]
    assert client.post(url, data).status_code == 302
    assert roles_of(security) == {"security"}


def test_the_security_administrator_does_not_manage_accounts(security, handler1):
    client = logged_in(security)
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get(f"/admin/accounts/user/{handler1.pk}/password/").status_code == 403
    assert client.get(f"/admin/accounts/user/{handler1.pk}/delete/").status_code == 403
    assert client.get(AUDIT).status_code == 403


# --- the auditor --------------------------------------------------------------------------


@pytest.fixture
def petition(handler1):
    return register_petition(handler1).petition


def test_the_auditor_sees_nothing_of_the_petitions(auditor, petition):
    client = logged_in(auditor)
    for url in (
        "/petitions/",
        f"/petitions/{petition.number}/",
        "/petitions/new/",
        "/cases/",
        f"/cases/{petition.case.number}/",
        "/cases/queue/",
        "/dashboards/",
        "/reception/",
        "/escalation/notices/",
    ):
        assert client.get(url).status_code in (403, 404), url
    api = APIClient()
    api.force_authenticate(auditor)
    for url in (
        "/api/v1/petitions/",
        f"/api/v1/petitions/{petition.number}/",
        "/api/v1/cases/",
        "/api/v1/stats/summary/",
        "/api/v1/org-units/",
    ):
        assert api.get(url).status_code == 403, url
    assert api.post("/api/v1/petitions/", {}, format="json").status_code == 403


def test_the_auditor_lands_on_the_audit_trail(auditor):
    client = logged_in(auditor)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == AUDIT
    page = client.get(AUDIT).content.decode()
    assert 'href="/audit/"' in page  # in the navigation, for auditors only
    nav = page.split("</nav>")[0]
    assert "/petitions/new/" not in nav and "/cases/" not in nav and "notifications" not in nav


def test_a_superuser_without_the_auditor_role_cannot_read_the_audit_trail(org):
    root = UserFactory(username="root", org_unit=None, is_staff=True, is_superuser=True)
    client = logged_in(root)
    assert client.get(AUDIT).status_code == 403
    assert client.get("/admin/audit/auditentry/").status_code == 404


def _entries(count: int, **fields) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(action=AuditAction.LOGIN, actor_username=f"u{i}", **fields) for i in range(count)
    )


def test_the_audit_page_lists_in_constant_queries(auditor, handler1):
    client = logged_in(auditor)
    client.get(AUDIT)  # warm up (content types)
    _entries(3, actor=handler1, client_address="10.0.0.1")
    with CaptureQueriesContext(connection) as few:
        assert client.get(AUDIT).status_code == 200
    _entries(80, actor=handler1, client_address="10.0.0.1", detail={"k": "v"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(AUDIT)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(response.context["rows"]) == 50


def test_the_audit_page_filters(auditor, handler1, frozen_now):
    old = timezone.now() - datetime.timedelta(days=10)
    AuditEntry.objects.create(
        action=AuditAction.EXPORT, actor_username="handler1", client_address="10.0.0.7", when=old
    )
    AuditEntry.objects.create(
        action=AuditAction.LOGIN, actor_username="handler1", client_address="10.0.0.8"
    )
    AuditEntry.objects.create(
        action=AuditAction.LOGIN, actor_username="other", object_repr="江城市信访局"
    )
    client = logged_in(auditor)

    def usernames(**query) -> list[str]:
        response = client.get(AUDIT, query)
        assert response.status_code == 200, response.context["filter"].errors
        return sorted(row.username for row in response.context["rows"] if row.username != "auditor")

    assert usernames(actor="HANDLER1") == ["handler1", "handler1"]
    assert usernames(action="export") == ["handler1"]
    assert usernames(address="10.0.0.8") == ["handler1"]
    assert usernames(object="信访局") == ["other"]
    day = (old + datetime.timedelta(hours=1)).date()
    assert usernames(date_from=str(day), date_to=str(day)) == ["handler1"]
    bad = client.get(AUDIT, {"address": "not-an-address"})
    assert bad.status_code == 400 and "address" in bad.context["filter"].errors


def test_the_audit_export_is_a_workbook_and_is_itself_recorded(auditor):
    AuditEntry.objects.create(
        action=AuditAction.LOGIN_FAILED, actor_username="=HYPERLINK(1)", client_address="10.0.0.9"
    )
    response = logged_in(auditor).get(EXPORT, {"action": "login_failed"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "用户名", "操作")
    assert [row[1] for row in rows[1:]] == ["'=HYPERLINK(1)"]  # never a formula
    assert rows[1][7] == "10.0.0.9"
    export = AuditEntry.objects.get(action=AuditAction.AUDIT_EXPORT)
    assert export.actor == auditor and export.detail == {"filters": {"action": "login_failed"}}
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_officers_get_their_permissions_after_migrate(sysadmin, security, auditor):
    assert auditor.has_perm("audit.view_auditentry")
    assert not sysadmin.has_perm("audit.view_auditentry")
    assert security.has_perm("accounts.change_user") and not security.has_perm("accounts.add_user")
    assert not security.has_perm("audit.view_auditentry")
