"""The notice pages: the print page (the official sheet, print and .docx buttons, the other
notices), printing twice tells the recipients once, 404 outside the user's scope or for a
unit that does not attend, refusals with the reason, and bounded queries."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import CaseEvent, EventKind
from notifications.models import Notification
from reception.models import AppointmentStatus, PreliminaryOpinion, ReceptionNotice
from tests.factories import UserFactory
from tests.reception.notices_fixtures import *  # noqa: F403
from tests.reception.notices_fixtures import PLACE, issue, notification_rows


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(appointment, kind, unit=None, docx=False) -> str:
    url = reverse(
        "reception:notice_docx" if docx else "reception:notice", args=[appointment.pk, kind]
    )
    return f"{url}?unit={unit}" if unit else url


def test_urls_are_the_ones_the_brief_names(appointment):
    assert (
        page(appointment, "leader") == f"/reception/appointments/{appointment.pk}/notices/leader/"
    )
    assert (
        page(appointment, "unit", "CTJY", docx=True)
        == f"/reception/appointments/{appointment.pk}/notices/unit/docx/?unit=CTJY"
    )


def test_the_print_page_shows_the_sheet_with_print_and_docx_buttons(appointment, reception1):
    client = logged_in(reception1)
    issue(client, appointment)
    response = client.get(page(appointment, "petitioner"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-official-document" in html
    assert re.search(r'<button[^>]*data-print[^>]*id="notice-print"', html)
    assert f'href="{page(appointment, "petitioner", docx=True)}"' in html
    assert "江城市信访局接访〔2026〕1号" in html
    assert PLACE in html and "刘市长" in html
    # The other notices of the appointment are one click away.
    assert re.findall(r'data-notice-kind="(\w+)"', html) == ["petitioner", "leader", "unit", "unit"]


def test_opening_a_notice_only_shows_the_button_that_issues_them(appointment, reception1):
    html = logged_in(reception1).get(page(appointment, "petitioner")).content.decode()
    assert "data-official-document" not in html and 'id="notice-print"' not in html
    assert re.search(
        r'<form method="post" action="[^"]*/notices/issue/" id="notice-issue-form"', html
    )
    assert 'name="csrfmiddlewaretoken"' in html
    # The .docx of a notice not issued is nothing to download: back to its page.
    response = logged_in(reception1).get(page(appointment, "leader", docx=True))
    assert response.status_code == 302 and response["Location"] == page(appointment, "leader")


def test_the_button_issues_once_and_a_second_press_issues_nothing_more(
    appointment, reception1, leader, city_business_user, handler1
):
    client = logged_in(reception1)
    response = client.post(
        reverse("reception:notices_issue", args=[appointment.pk]),
        {"next": page(appointment, "petitioner")},
    )
    assert response.status_code == 302
    assert response["Location"] == page(appointment, "petitioner")
    rows = notification_rows()
    # The leader, the two units' users and the petitioner's SMS.
    assert len(rows) == 4
    assert [row.sms_to for row in rows if row.recipient_id is None] != []
    assert ReceptionNotice.objects.count() == 4
    first = client.get(page(appointment, "petitioner"))
    issue(client, appointment)
    second = client.get(page(appointment, "petitioner"))
    client.get(page(appointment, "petitioner", docx=True))
    client.get(page(appointment, "leader", docx=True))
    assert Notification.objects.count() == 4
    assert ReceptionNotice.objects.count() == 4
    number = re.search(r"data-doc-number>([^<]+)<", first.content.decode()).group(1)
    assert number == re.search(r"data-doc-number>([^<]+)<", second.content.decode()).group(1)


def test_a_next_elsewhere_goes_back_to_the_appointment(appointment, reception1):
    response = logged_in(reception1).post(
        reverse("reception:notices_issue", args=[appointment.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == f"/reception/appointments/{appointment.pk}/"


def test_issuing_is_a_post(appointment, reception1):
    url = reverse("reception:notices_issue", args=[appointment.pk])
    assert logged_in(reception1).get(url).status_code == 405
    assert not ReceptionNotice.objects.exists()


def test_only_those_who_may_issue_find_the_button(appointment, leader, outsider):
    url = reverse("reception:notices_issue", args=[appointment.pk])
    assert logged_in(leader).post(url).status_code == 404
    assert logged_in(outsider).post(url).status_code == 404
    assert not ReceptionNotice.objects.exists()


def test_the_leader_and_a_unit_open_what_was_sent_to_them(
    appointment, reception1, leader, city_business_user
):
    # Not issued yet: nothing to open for those who may not issue it.
    assert logged_in(leader).get(page(appointment, "leader")).status_code == 404
    assert logged_in(city_business_user).get(page(appointment, "unit", "CTJY")).status_code == 404

    issue(logged_in(reception1), appointment)
    count = Notification.objects.count()
    assert logged_in(leader).get(page(appointment, "leader")).status_code == 200
    unit_client = logged_in(city_business_user)
    response = unit_client.get(page(appointment, "unit", "CTJY"))
    assert response.status_code == 200
    # Only their own unit's notice, in the page's list too.
    assert re.findall(r'data-notice-kind="(\w+)"', response.content.decode()) == []
    # Back to their messages: the appointment's page is not theirs.
    assert re.search(r'href="/notifications/"[^>]*id="notice-back"', response.content.decode())
    assert unit_client.get(page(appointment, "unit", "D1XFJ")).status_code == 404
    assert unit_client.get(page(appointment, "petitioner")).status_code == 404
    assert unit_client.get(page(appointment, "leader", docx=True)).status_code == 404
    assert Notification.objects.count() == count


@pytest.mark.parametrize(
    "url",
    [
        lambda a: page(a, "petitioner"),
        lambda a: page(a, "leader", docx=True),
        lambda a: page(a, "unit", "CTJY"),
    ],
)
def test_another_city_sees_nothing(appointment, outsider, url):
    assert logged_in(outsider).get(url(appointment)).status_code == 404
    assert not ReceptionNotice.objects.exists()


def test_a_unit_that_does_not_attend_or_an_unknown_kind_is_404(appointment, reception1):
    client = logged_in(reception1)
    assert client.get(page(appointment, "unit", "D2XFJ")).status_code == 404
    assert client.get(page(appointment, "unit")).status_code == 404
    assert client.get(page(appointment, "memo")).status_code == 404
    assert client.get(f"/reception/appointments/{2**63}/notices/leader/").status_code == 404
    assert (
        client.get(f"/reception/appointments/{appointment.pk + 99}/notices/leader/").status_code
        == 404
    )


def test_an_accusation_against_the_viewer_hides_the_appointment(appointment, reception1, org):
    case = appointment.case
    case.accused_unit = org.city_office
    case.save(update_fields=["accused_unit"])
    assert logged_in(reception1).get(page(appointment, "petitioner")).status_code == 404


def test_a_cancelled_appointment_is_not_issued_but_says_why(appointment, reception1):
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    client = logged_in(reception1)
    html = client.get(page(appointment, "petitioner")).content.decode()
    assert 'id="notice-refusal"' in html and 'id="notice-issue"' not in html
    response = client.post(reverse("reception:notices_issue", args=[appointment.pk]))
    assert response.status_code == 409
    assert 'id="not-allowed"' in response.content.decode()
    assert not ReceptionNotice.objects.exists()


def test_notices_issued_before_the_day_still_print_after_it(
    appointment, reception1, frozen_now, time_machine
):
    client = logged_in(reception1)
    issue(client, appointment)
    time_machine.shift(datetime.timedelta(days=10))
    appointment.status = AppointmentStatus.ATTENDED
    appointment.save()
    client = logged_in(reception1)  # ten days on, the first session has long ended
    assert client.get(page(appointment, "leader", docx=True)).status_code == 200


def _grow(appointment, org, reception1, schedule, count: int) -> None:
    """`count` more timeline events, attending units with their opinions."""
    case = appointment.case
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case=case,
                kind=EventKind.SPONSORED,
                actor=reception1,
                actor_unit=org.city_office,
                comment=f"第{n}次",
                effective_on=datetime.date(2026, 11, 21),
            )
            for n in range(count)
        ]
    )
    for n in range(count):
        from accounts.models import OrgKind, OrgLevel, OrgUnit

        unit = OrgUnit.objects.create(
            code=f"CTX{n}", name=f"江城市第{n}局", parent=org.city, level=OrgLevel.CITY,
            kind=OrgKind.BUSINESS,
        )  # fmt: skip
        appointment.attending_units.add(unit)
        PreliminaryOpinion.objects.create(
            appointment=appointment, unit=unit, text=f"意见{n}", written_by=reception1
        )


@pytest.mark.parametrize("kind", ["leader", "petitioner"])
def test_the_print_page_issues_a_bounded_number_of_queries(
    kind, appointment, reception1, org, schedule, django_assert_max_num_queries
):
    client = logged_in(reception1)
    issue(client, appointment)
    with django_assert_max_num_queries(20) as few:
        assert client.get(page(appointment, kind)).status_code == 200
    one = len(few.captured_queries)
    _grow(appointment, org, reception1, schedule, 8)
    issue(client, appointment)  # the new units' notices
    with django_assert_max_num_queries(one):
        response = client.get(page(appointment, kind))
    assert response.status_code == 200
    if kind == "leader":
        assert "意见7" in response.content.decode()


def test_a_user_of_an_attending_government_opens_its_notice(appointment, reception1, org, schedule):
    appointment.attending_units.add(org.d1)
    d1_leader = UserFactory(username="d1_leader", org_unit=org.d1, roles=["leader"])
    issue(logged_in(reception1), appointment)
    assert logged_in(d1_leader).get(page(appointment, "unit", "D1")).status_code == 200
