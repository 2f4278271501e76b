"""API contract of the notifications: the caller's own only, filters (bad values are 400 on
the field), marking read, and a bounded number of queries."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from escalation.kinds import EscalationNotificationKind
from notifications.models import Notification
from tests.notifications.factories import make_notifications

URL = "/api/v1/notifications/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


def test_list_holds_only_the_callers_own_newest_first(handler1, colleague1):
    older, newer = make_notifications(handler1, 2)
    make_notifications(colleague1, 3)

    response = api(handler1).get(URL)

    assert response.status_code == 200
    assert response.data["count"] == 2
    assert [row["id"] for row in response.data["results"]] == [newer.pk, older.pk]


def test_list_row_has_the_documented_fields_and_no_delivery_addresses(handler1):
    (row,) = make_notifications(handler1, 1, email_to="handler1@example.org", sms_to="13812345678")

    (data,) = api(handler1).get(URL).data["results"]

    assert data == {
        "id": row.pk,
        "kind": "due_soon",
        "title": "办理时限即将到期",
        "body": "请在到期前办结。",
        "case": "JZXFJ-2026-000001",
        "url": "/cases/JZXFJ-2026-000001/",
        "created_at": timezone.localtime(row.created_at).isoformat(),
        "read": False,
        "read_at": None,
    }


def test_list_needs_a_login(db):
    assert api().get(URL).status_code in (401, 403)


def test_filters_by_kind_case_and_read(handler1):
    (due_soon,) = make_notifications(handler1, 1)
    (overdue,) = make_notifications(
        handler1, 1, kind=EscalationNotificationKind.OVERDUE, case_number="JZXFJ-2026-000002"
    )
    (read,) = make_notifications(handler1, 1, read_at=timezone.now())
    client = api(handler1)

    def ids(**query):
        response = client.get(URL, query)
        assert response.status_code == 200, response.data
        return {row["id"] for row in response.data["results"]}

    assert ids(kind="overdue") == {overdue.pk}
    assert ids(case="JZXFJ-2026-000002") == {overdue.pk}
    assert ids(case=" JZXFJ-2026-000001 ") == {due_soon.pk, read.pk}
    assert ids(read="false") == {due_soon.pk, overdue.pk}
    assert ids(read="true") == {read.pk}
    assert ids(kind="due_soon", read="false") == {due_soon.pk}


def test_filters_by_creation_day_or_moment(handler1):
    (early,) = make_notifications(handler1, 1, start=at(20, 7))
    (late,) = make_notifications(handler1, 1, start=at(21, 23))  # 15:00 UTC, still the 21st here
    (next_day,) = make_notifications(handler1, 1, start=at(22, 0))
    client = api(handler1)

    def ids(**query):
        response = client.get(URL, query)
        assert response.status_code == 200, response.data
        return {row["id"] for row in response.data["results"]}

    assert ids(created_after="2026-11-21") == {late.pk, next_day.pk}
    assert ids(created_before="2026-11-21") == {early.pk, late.pk}
    assert ids(created_after="2026-11-21", created_before="2026-11-21") == {late.pk}
    assert ids(created_after="2026-11-21T23:00:00+08:00") == {late.pk, next_day.pk}
    assert ids(created_after="2026-11-21T15:00:01Z") == {next_day.pk}
    assert ids(created_before="2026-11-20T07:00:00") == {early.pk}  # no offset: China time


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"read": "maybe"}, "read"),
        ({"created_after": "2026-13-01"}, "created_after"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "0001-01-01"}, "created_before"),
        ({"created_before": "9999-12-31T23:59:59"}, "created_before"),
        ({"case": "JZ\x00XFJ"}, "case"),
        ({"case": "x" * 41}, "case"),
    ],
)
def test_bad_filter_values_are_400_on_the_field(handler1, query, field):
    make_notifications(handler1, 1)

    response = api(handler1).get(URL, query)

    assert response.status_code == 400
    assert field in response.data


def test_list_queries_do_not_grow_with_the_rows(handler1, django_assert_num_queries):
    client = api(handler1)
    make_notifications(handler1, 1)
    # Warm-up: the first request reads the user's roles (audit.permissions.NotAuditor), which
    # the forced user then keeps.
    client.get(URL)
    with django_assert_num_queries(2):  # count + page
        assert client.get(URL).status_code == 200
    make_notifications(handler1, 99)
    with django_assert_num_queries(2):
        response = client.get(URL, {"read": "false", "kind": "due_soon"})
    assert response.data["count"] == 100 and len(response.data["results"]) == 50


def test_token_authentication_reaches_the_callers_own(handler1, colleague1):
    from knox.models import AuthToken

    make_notifications(handler1, 1)
    make_notifications(colleague1, 1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=handler1)[1]}")

    assert client.get(URL).data["count"] == 1


# --- marking read -------------------------------------------------------------------------


def test_read_marks_one_notification_read(handler1, frozen_now):
    first, second = make_notifications(handler1, 2)

    response = api(handler1).post(f"{URL}{first.pk}/read/")

    assert response.status_code == 200
    assert response.data["id"] == first.pk and response.data["read"] is True
    assert response.data["read_at"] == frozen_now.isoformat()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at == frozen_now and second.read_at is None


def test_reading_again_keeps_the_first_read_time(handler1):
    earlier = timezone.now() - datetime.timedelta(days=2)
    (row,) = make_notifications(handler1, 1, read_at=earlier)

    response = api(handler1).post(f"{URL}{row.pk}/read/")

    assert response.status_code == 200
    row.refresh_from_db()
    assert row.read_at == earlier


def test_someone_elses_notification_is_404_and_stays_unread(handler1, colleague1):
    (theirs,) = make_notifications(colleague1, 1)
    client = api(handler1)

    assert client.post(f"{URL}{theirs.pk}/read/").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("pk", ["0", "987654321", str(2**63), "99999999999999999999999"])
def test_read_of_no_row_is_404(handler1, pk):
    assert api(handler1).post(f"{URL}{pk}/read/").status_code == 404


def test_detail_of_ones_own(handler1):
    (row,) = make_notifications(handler1, 1)

    response = api(handler1).get(f"{URL}{row.pk}/")

    assert response.status_code == 200 and response.data["title"] == row.title


def test_read_all_marks_only_the_callers_own_unread(handler1, colleague1):
    make_notifications(handler1, 3)
    make_notifications(handler1, 1, read_at=timezone.now())
    make_notifications(colleague1, 2)

    response = api(handler1).post(f"{URL}read-all/")

    assert response.status_code == 200 and response.data == {"marked": 3}
    assert not Notification.objects.filter(recipient=handler1, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=colleague1, read_at__isnull=True).count() == 2


def test_read_all_ignores_filters_in_the_query(handler1):
    make_notifications(handler1, 2)

    response = api(handler1).post(f"{URL}read-all/?kind=bogus")

    assert response.status_code == 200 and response.data == {"marked": 2}
