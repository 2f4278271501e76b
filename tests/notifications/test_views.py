"""The inbox page, the bell, opening a notification (read, then only a local redirect), mark
all read, the escalation menu, and the admin pages."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from escalation.kinds import EscalationNotificationKind
from notifications.models import DeliveryStatus, Notification
from tests.factories import UserFactory
from tests.notifications.factories import make_notifications

INBOX = "/notifications/"
BELL = "/notifications/bell/"


@pytest.fixture
def client1(handler1) -> Client:
    client = Client()
    client.force_login(handler1)
    return client


def shown_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-notification="(\d+)"', response.content.decode())]


def unread_ids(response) -> list[int]:
    html = response.content.decode()
    return [int(pk) for pk in re.findall(r'data-notification="(\d+)" data-unread="true"', html)]


# --- the inbox ----------------------------------------------------------------------------


def test_inbox_shows_the_users_own_newest_first_with_unread_marked(client1, handler1, colleague1):
    older, newer = make_notifications(handler1, 2, title="交办件即将到期")
    make_notifications(colleague1, 1, title="别人的提醒")
    Notification.objects.filter(pk=older.pk).update(read_at=timezone.now())

    response = client1.get(INBOX)

    assert response.status_code == 200
    assert shown_ids(response) == [newer.pk, older.pk]
    assert unread_ids(response) == [newer.pk]
    html = response.content.decode()
    assert "交办件即将到期" in html and "请在到期前办结。" in html and "别人的提醒" not in html
    assert 'href="/cases/JZXFJ-2026-000001/"' in html  # the case number links to the case
    assert f'formaction="/notifications/{newer.pk}/open/"' in html


def test_inbox_needs_a_login(db):
    response = Client().get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_inbox_filters_by_kind_and_read(client1, handler1):
    (due_soon,) = make_notifications(handler1, 1)
    (overdue,) = make_notifications(handler1, 1, kind=EscalationNotificationKind.OVERDUE)
    (read,) = make_notifications(handler1, 1, read_at=timezone.now())

    assert shown_ids(client1.get(INBOX, {"kind": "overdue"})) == [overdue.pk]
    assert shown_ids(client1.get(INBOX, {"read": "true"})) == [read.pk]
    assert set(shown_ids(client1.get(INBOX, {"read": "false"}))) == {due_soon.pk, overdue.pk}


def test_inbox_filter_answers_htmx_with_the_list_only(client1, handler1):
    make_notifications(handler1, 1)

    response = client1.get(INBOX, {"read": "false"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'id="notification-list"' in html and "<html" not in html


def test_bad_filter_value_is_an_inline_error_not_a_500(client1, handler1):
    make_notifications(handler1, 1)

    response = client1.get(INBOX, {"kind": "bogus", "created_after": "2026-02-30"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="kind"' in html and 'data-field-error="created_after"' in html


def test_inbox_pages_by_50(client1, handler1):
    rows = make_notifications(handler1, 60)

    first, second = client1.get(INBOX), client1.get(INBOX, {"page": 2})

    assert len(shown_ids(first)) == 50 and shown_ids(first)[0] == rows[-1].pk
    assert shown_ids(second) == [row.pk for row in reversed(rows[:10])]


def test_inbox_queries_do_not_grow_with_the_rows(client1, handler1, django_assert_num_queries):
    make_notifications(handler1, 1)
    client1.get(INBOX)  # warm up (session, translations)
    # session, user, count, page, unread count; the navbar's roles and org unit
    with django_assert_num_queries(7) as one:
        client1.get(INBOX)
    make_notifications(handler1, 99, read_at=timezone.now())
    with django_assert_num_queries(len(one.captured_queries)):
        response = client1.get(INBOX)
    assert len(shown_ids(response)) == 50


# --- opening and marking read ---------------------------------------------------------------


def test_open_marks_read_and_follows_the_link(client1, handler1):
    (row,) = make_notifications(handler1, 1)

    response = client1.post(f"/notifications/{row.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/cases/JZXFJ-2026-000001/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_open_by_get_changes_nothing(client1, handler1):
    (row,) = make_notifications(handler1, 1)

    assert client1.get(f"/notifications/{row.pk}/open/").status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
        "cases/JZXFJ-2026-000001/",
        "",
    ],
)
def test_open_never_redirects_off_site(client1, handler1, url):
    (row,) = make_notifications(handler1, 1, url=url)

    response = client1.post(f"/notifications/{row.pk}/open/")

    assert response.status_code == 302 and response["Location"] == INBOX
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("pk", [None, 0, 987654321, 2**64])
def test_open_someone_elses_or_no_notification_is_404(client1, colleague1, pk):
    (theirs,) = make_notifications(colleague1, 1)

    response = client1.post(f"/notifications/{theirs.pk if pk is None else pk}/open/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_the_users_own(client1, handler1, colleague1):
    make_notifications(handler1, 3)
    make_notifications(colleague1, 2)

    response = client1.post("/notifications/read-all/", follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    assert re.search(r'role="alert">3 [^<]+<', response.content.decode())
    assert not Notification.objects.filter(recipient=handler1, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=colleague1, read_at__isnull=True).count() == 2
    assert client1.get("/notifications/read-all/").status_code == 405


# --- the bell -------------------------------------------------------------------------------


def test_bell_shows_the_unread_count_and_links_to_the_inbox(client1, handler1, colleague1):
    make_notifications(handler1, 3)
    make_notifications(handler1, 2, read_at=timezone.now())
    make_notifications(colleague1, 4)

    html = client1.get(BELL).content.decode()

    assert f'href="{INBOX}"' in html
    assert re.search(r'id="bell-count"[^>]*>3<', html)


def test_bell_without_unread_has_no_badge_and_caps_at_99(client1, handler1):
    assert 'id="bell-count"' not in client1.get(BELL).content.decode()
    make_notifications(handler1, 120)
    assert re.search(r'id="bell-count"[^>]*>99\+<', client1.get(BELL).content.decode())


def test_bell_after_the_session_ended_stops_the_polling(db):
    response = Client().get(BELL)
    assert response.status_code == 286 and response.content == b""


def test_bell_is_one_query_beyond_the_session(client1, handler1, django_assert_num_queries):
    make_notifications(handler1, 30)
    client1.get(BELL)
    # session, user, the user's roles (audit.middleware keeps the auditor out), unread count
    with django_assert_num_queries(4):
        client1.get(BELL)


def test_every_page_loads_the_bell_by_htmx_without_counting_itself(
    client1, handler1, django_assert_max_num_queries
):
    make_notifications(handler1, 2)

    html = client1.get("/cases/queue/").content.decode()

    assert f'hx-get="{BELL}"' in html and 'hx-trigger="load, every 60s"' in html
    assert 'id="bell-count"' not in html  # the count comes with the fragment, not the page


# --- the escalation menu ----------------------------------------------------------------------


@pytest.mark.urls("tests.notifications.urls_menu")
def test_navbar_offers_the_escalation_pages(client1):
    html = client1.get(INBOX).content.decode()

    assert 'id="nav-escalation"' in html
    for url in ("/escalation/notices/", "/escalation/joint/", "/escalation/rankings/"):
        assert f'href="{url}"' in html


@pytest.mark.urls("tests.notifications.urls_no_menu")
def test_navbar_without_the_escalation_pages_has_no_empty_menu(client1):
    html = client1.get(INBOX).content.decode()

    assert 'id="nav-escalation"' not in html


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(org) -> Client:
    root = UserFactory(username="root", org_unit=org.city, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    return client


def test_notification_admin_lists_with_the_number_masked_and_is_read_only(admin_client, handler1):
    (row,) = make_notifications(
        handler1,
        1,
        sms_to="13812345678",
        status=DeliveryStatus.PENDING,
        attempts=2,
        last_error="sms: gateway answered 503",
    )

    listing = admin_client.get("/admin/notifications/notification/").content.decode()
    detail = admin_client.get(f"/admin/notifications/notification/{row.pk}/change/")

    assert "138****5678" in listing and "13812345678" not in listing
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "gateway answered 503" in html
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403
    response = admin_client.post(
        f"/admin/notifications/notification/{row.pk}/change/", {"title": "changed"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.title != "changed"


def test_notification_admin_filters_by_status(admin_client, handler1):
    make_notifications(handler1, 1, status=DeliveryStatus.FAILED, title="失败的提醒")
    make_notifications(handler1, 1, title="已发送的提醒")

    html = admin_client.get("/admin/notifications/notification/?status__exact=failed").content
    html = html.decode()

    assert "失败的提醒" in html and "已发送的提醒" not in html


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "org_unit": user.org_unit_id,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "mobile": "",
    }
    return {**data, **changes}


def test_user_admin_edits_the_mobile_normalised(admin_client, handler1):
    page = admin_client.get(f"/admin/accounts/user/{handler1.pk}/change/").content.decode()
    assert 'name="mobile"' in page

    response = admin_client.post(
        f"/admin/accounts/user/{handler1.pk}/change/", _user_form(handler1, mobile="138 1234 5678")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    handler1.refresh_from_db()
    assert handler1.mobile == "13812345678"
    listing = admin_client.get("/admin/accounts/user/").content.decode()
    assert "138****5678" in listing and "13812345678" not in listing


@pytest.mark.parametrize("mobile", ["010-62345678", "12345"])
def test_user_admin_refuses_a_number_that_takes_no_text_message(admin_client, handler1, mobile):
    response = admin_client.post(
        f"/admin/accounts/user/{handler1.pk}/change/", _user_form(handler1, mobile=mobile)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["mobile"]
    handler1.refresh_from_db()
    assert handler1.mobile == ""
