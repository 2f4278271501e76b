"""The written notices' delivery (issue 15 §2): the service's rules, online delivery and the
portal's selector, the case page's panel and form, the staff API and the reminder of an
undelivered acceptance notice."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases import services
from cases.models import CaseEvent, EventKind, NoticeKind
from cases.notices import notice_docx
from cases.selectors import notices_for_petitioner
from core.exceptions import Conflict, NotAllowed, ValidationError
from escalation.deadlines.services import deadlines_scan
from notifications.models import Notification
from tests.cases.notice_helpers import ID_NUMBER, NAME, PHONE, D, accepted, notice_of, received
from tests.cases.test_accusations import accusation


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def notice(handler1, frozen_now):
    """The acceptance notice of a case D1XFJ accepted on 2026-11-3 (today is 11-22)."""
    return notice_of(accepted(handler1), NoticeKind.ACCEPTANCE)


# --- the service --------------------------------------------------------------------------------


def test_delivery_in_person_is_recorded_once(notice, handler1):
    services.notice_deliver(actor=handler1, notice=notice, method="in_person", on=D(2026, 11, 5))
    notice.refresh_from_db()
    assert (notice.delivery_method, notice.delivered_on) == ("in_person", D(2026, 11, 5))
    assert notice.delivered_by == handler1
    event = CaseEvent.objects.get(case=notice.case, kind=EventKind.NOTICE_DELIVERED)
    assert event.effective_on == D(2026, 11, 5) and notice.number in event.comment
    with pytest.raises(Conflict, match=re.escape(notice.number)):
        services.notice_deliver(actor=handler1, notice=notice, method="post")


@pytest.mark.parametrize(
    "method, on, field",
    [
        ("pigeon", None, "method"),
        ("post", D(2026, 11, 23), "date"),  # tomorrow
        ("post", D(2026, 11, 2), "date"),  # before its issue on 11-3
    ],
)
def test_bad_delivery_is_refused_on_its_field(notice, handler1, method, on, field):
    with pytest.raises(ValidationError) as error:
        services.notice_deliver(actor=handler1, notice=notice, method=method, on=on)
    assert field in error.value.message_dict
    notice.refresh_from_db()
    assert notice.delivered_on is None and notice.delivery_method == ""


def test_only_the_issuing_units_staff_record_the_delivery(
    notice, handler2, city_leader, street_handler
):
    for user in (handler2, city_leader, street_handler):
        with pytest.raises(NotAllowed):
            services.notice_deliver(actor=user, notice=notice, method="post")


def test_online_delivery_texts_the_petitioner_without_personal_data(notice, handler1):
    services.notice_deliver(actor=handler1, notice=notice, method="online")
    notice.refresh_from_db()
    assert notice.delivered_on == D(2026, 11, 22) and notice.delivered_by is None
    sms = Notification.objects.get(kind="notice_online")
    assert sms.sms_to == PHONE and sms.recipient is None
    assert "网上信访平台" in sms.body
    for secret in (NAME, ID_NUMBER, PHONE, notice.case.summary, notice.number):
        assert secret not in sms.body and secret not in sms.title


def test_the_portal_lists_only_the_delivered_notices(handler1, notice, frozen_now):
    case = notice.case
    assert list(notices_for_petitioner(case)) == []
    services.notice_deliver(actor=handler1, notice=notice, method="post")
    listed = list(notices_for_petitioner(case))
    assert listed == [notice]
    assert listed[0].title == "信访事项受理告知书"
    assert notice_docx(listed[0])[:2] == b"PK"


# --- the case page ------------------------------------------------------------------------------


def test_the_panel_shows_the_notice_and_records_its_delivery(notice, handler1, client):
    client.force_login(handler1)
    url = reverse("cases:detail", args=[notice.case.number])
    page = client.get(url).content.decode()
    assert 'id="notices"' in page and notice.number in page
    assert f'id="notice-deliver-{notice.pk}"' in page
    docx_url = reverse("cases:notice_docx", args=[notice.case.number, notice.pk])
    assert docx_url in page

    post = reverse("cases:notice_deliver", args=[notice.case.number, notice.pk])
    prefix = f"notice-{notice.pk}"
    answer = client.post(post, {f"{prefix}-method": "post", f"{prefix}-date": "2026-11-30"})
    assert answer.status_code == 400
    assert f'data-field-error="{prefix}-date"' in answer.content.decode()

    answer = client.post(post, {f"{prefix}-method": "post", f"{prefix}-date": "2026-11-6"})
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert f'id="notice-deliver-{notice.pk}"' not in page
    assert "2026-11-06" in page and 'data-notice-delivered="true"' in page

    again = client.post(post, {f"{prefix}-method": "post"})
    assert again.status_code == 409


def test_the_docx_download(notice, handler1, handler2, client):
    url = reverse("cases:notice_docx", args=[notice.case.number, notice.pk])
    client.force_login(handler1)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    assert "filename*=" in answer["Content-Disposition"]
    client.force_login(handler2)
    assert client.get(url).status_code == 404


def test_a_leader_sees_the_panel_without_the_form(notice, city_leader, client):
    client.force_login(city_leader)
    page = client.get(reverse("cases:detail", args=[notice.case.number])).content.decode()
    assert notice.number in page and f'id="notice-deliver-{notice.pk}"' not in page


# --- the API ------------------------------------------------------------------------------------

LIST = "/api/v1/written-notices/"


def deliver_url(notice) -> str:
    return f"{LIST}{notice.pk}/deliver/"


def test_api_lists_and_delivers(notice, handler1):
    client = api(handler1)
    rows = client.get(LIST, {"case": notice.case.number}).json()["results"]
    assert [row["number"] for row in rows] == [notice.number]
    assert rows[0]["kind"] == "acceptance" and rows[0]["delivered_on"] is None
    answer = client.post(deliver_url(notice), {"method": "in_person", "date": "2026-11-04"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["delivery_method"] == "in_person" and body["delivered_on"] == "2026-11-04"
    assert body["delivered_by"] == "handler1" and body["docx_url"].endswith("/docx/")
    assert client.post(deliver_url(notice), {"method": "post"}).status_code == 409
    assert client.get(LIST, {"delivered": "false"}).json()["results"] == []


def test_an_undelivered_notice_answers_as_the_schema_declares(notice, handler1):
    from drf_spectacular.generators import SchemaGenerator

    row = api(handler1).get(LIST, {"case": notice.case.number}).json()["results"][0]
    assert row["delivery_method"] == ""
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    def values(declared) -> set:
        if "$ref" in declared:
            return values(schemas[declared["$ref"].rsplit("/", 1)[1]])
        parts = declared.get("oneOf", []) + declared.get("allOf", [])
        return set(declared.get("enum", [])).union(*(values(part) for part in parts))

    declared = values(schemas["WrittenNotice"]["properties"]["delivery_method"])
    assert declared == {"", "in_person", "post", "sms", "online"}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "method"),
        ({"method": "fax"}, "method"),
        ({"method": "post", "date": "tomorrow"}, "date"),
        ({"method": "post", "date": "2026-11-23"}, "date"),
        ({"method": "post", "date": "2026-11-01"}, "date"),
    ],
)
def test_api_bad_input_is_400_on_its_field(notice, handler1, payload, field):
    answer = api(handler1).post(deliver_url(notice), payload, format="json")
    assert answer.status_code == 400 and field in answer.json()
    notice.refresh_from_db()
    assert notice.delivered_on is None


def test_api_scope(notice, handler2, city_leader, outsider):
    assert api(handler2).post(deliver_url(notice), {"method": "post"}).status_code == 404
    assert api(outsider).get(f"{LIST}{notice.pk}/").status_code == 404
    assert api(handler2).get(LIST).json()["results"] == []
    # A leader sees the case but does not deliver.
    assert api(city_leader).get(f"{LIST}{notice.pk}/").status_code == 200
    assert api(city_leader).post(deliver_url(notice), {"method": "post"}).status_code == 403
    assert api(handler2).get(f"{LIST}abc/").status_code == 404


def test_api_list_query_count_does_not_grow(handler1, frozen_now):
    accepted(handler1)
    client = api(handler1)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(LIST).json()["results"]) == 1
    accepted(handler1)
    accepted(handler1)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(LIST).json()["results"]) == 3
    assert len(three) == len(one)


# --- accusations --------------------------------------------------------------------------------


def test_the_accused_unit_never_sees_the_notice(handler1, street_handler, org, frozen_now):
    case = accusation(handler1, org.d1_street).case
    services.case_accept(actor=handler1, case=case)
    notice = notice_of(case, NoticeKind.ACCEPTANCE)
    client = api(street_handler)
    assert client.get(f"{LIST}{notice.pk}/").status_code == 404
    assert client.get(LIST).json()["results"] == []
    # The reminder goes to the owner unit only.
    deadlines_scan(today=notice.deliver_by + datetime.timedelta(days=1))
    chased = Notification.objects.filter(kind="notice_undelivered")
    assert chased.exists()
    assert not chased.filter(recipient=street_handler).exists()


# --- the reminder -------------------------------------------------------------------------------


def test_an_undelivered_acceptance_notice_is_chased_once(
    notice, handler1, colleague1, time_machine
):
    due = notice.deliver_by
    assert deadlines_scan(today=due).notices_undelivered == 0  # still in time
    assert not Notification.objects.filter(kind="notice_undelivered").exists()

    time_machine.move_to(
        datetime.datetime.combine(due, datetime.time(12)) + datetime.timedelta(days=1)
    )
    result = deadlines_scan(today=due + datetime.timedelta(days=1))
    assert result.notices_undelivered == 1
    chased = Notification.objects.filter(kind="notice_undelivered")
    assert {n.recipient for n in chased} == {handler1, colleague1}
    assert notice.number in chased.first().title
    assert chased.first().url == reverse("cases:detail", args=[notice.case.number])

    assert deadlines_scan(today=due + datetime.timedelta(days=2)).notices_undelivered == 0
    assert chased.count() == 2


def test_a_delivered_or_other_notice_is_not_chased(handler1, notice, org, frozen_now):
    services.notice_deliver(actor=handler1, notice=notice, method="post", on=D(2026, 11, 4))
    forwarded = received(handler1)
    services.case_forward(actor=handler1, case=forwarded, to_unit=org.d1_business)
    assert services.notices_chase_undelivered(today=D(2027, 3, 1)) == 0


def test_the_portals_notices_lay_out_in_a_fixed_number_of_queries(
    handler1, notice, django_assert_max_num_queries
):
    services.notice_deliver(actor=handler1, notice=notice, method="post")
    with django_assert_max_num_queries(4):
        (listed,) = notices_for_petitioner(notice.case)
        # The notice, its case's first petition and its parties.
        assert notice_docx(listed)[:2] == b"PK"


def test_a_petition_that_came_online_gets_its_notices_on_the_portal_at_once(handler1, frozen_now):
    from cases.models import EventKind, NoticeKind
    from tests.cases.notice_helpers import accepted, notice_of

    case = accepted(handler1, channel="online")
    notice = notice_of(case, NoticeKind.ACCEPTANCE)
    assert notice.delivery_method == "online" and notice.delivered_on == D(2026, 11, 3)
    assert notice.delivered_by is None
    assert list(notices_for_petitioner(case)) == [notice]
    event = case.events.get(kind=EventKind.NOTICE_DELIVERED)
    assert event.actor is None and event.data["method"] == "online"
    assert Notification.objects.get(kind="notice_online").sms_to == PHONE
    # A visit's notice waits for the clerk to record how it was handed over.
    visit = accepted(handler1)
    assert notice_of(visit, NoticeKind.ACCEPTANCE).delivered_on is None
