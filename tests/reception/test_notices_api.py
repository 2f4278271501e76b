"""API of the notices (四书): `GET /api/v1/reception/notices/?appointment=` lists what the
caller may open with absolute download links; `POST …/issue/` issues them once."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from reception.models import AppointmentStatus, ReceptionNotice
from tests.document_links import check_token_download
from tests.reception.notices_fixtures import *  # noqa: F403

LIST = "/api/v1/reception/notices/"
ISSUE = "/api/v1/reception/notices/issue/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_issue_answers_the_list_with_absolute_links_and_again_sends_nothing(
    appointment, reception1
):
    client = api(reception1)
    response = client.post(ISSUE, {"appointment": appointment.pk}, format="json")
    assert response.status_code == 200, response.data
    links = response.json()
    assert [(link["kind"], link["unit"]) for link in links] == [
        ("petitioner", None),
        ("leader", None),
        ("unit", "CTJY"),
        ("unit", "D1XFJ"),
    ]
    first = links[0]
    assert first["issued"] is True and first["number"] == "江城市信访局接访〔2026〕1号"
    assert first["label"] == "领导接访通知书"
    assert first["print_url"] == (
        f"http://testserver/reception/appointments/{appointment.pk}/notices/petitioner/"
    )
    assert links[2]["docx_url"].endswith(f"/{appointment.pk}/notices/unit/docx/?unit=CTJY")
    count = Notification.objects.count()
    assert client.post(ISSUE, {"appointment": appointment.pk}, format="json").json() == links
    assert Notification.objects.count() == count


def test_the_list_shows_what_may_be_issued_before_it_is(appointment, reception1):
    response = api(reception1).get(LIST, {"appointment": appointment.pk})
    assert response.status_code == 200
    assert [link["issued"] for link in response.json()] == [False] * 4
    assert [link["number"] for link in response.json()] == [""] * 4
    assert not ReceptionNotice.objects.exists()  # listing issues nothing


def test_a_unit_lists_its_own_notice_once_issued(appointment, reception1, city_business_user):
    client = api(city_business_user)
    assert client.get(LIST, {"appointment": appointment.pk}).json() == []
    api(reception1).post(ISSUE, {"appointment": appointment.pk}, format="json")
    links = client.get(LIST, {"appointment": appointment.pk}).json()
    assert [(link["kind"], link["unit"]) for link in links] == [("unit", "CTJY")]


def test_the_leader_may_read_but_not_issue(appointment, leader):
    client = api(leader)
    assert client.get(LIST, {"appointment": appointment.pk}).json() == []
    response = client.post(ISSUE, {"appointment": appointment.pk}, format="json")
    assert response.status_code == 403
    assert not ReceptionNotice.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "0", str(2**63), "999999"])
def test_a_bad_or_unknown_appointment_is_a_field_error(value, appointment, reception1):
    client = api(reception1)
    response = client.get(LIST, {"appointment": value})
    assert response.status_code == 400
    assert "appointment" in response.json()
    response = client.post(ISSUE, {"appointment": value}, format="json")
    assert response.status_code == 400
    assert "appointment" in response.json()


def test_another_citys_appointment_is_no_appointment(appointment, outsider):
    response = api(outsider).post(ISSUE, {"appointment": appointment.pk}, format="json")
    assert response.status_code == 400
    assert "appointment" in response.json()
    assert api(outsider).get(LIST, {"appointment": appointment.pk}).status_code == 400


def test_a_cancelled_appointment_is_a_conflict(appointment, reception1):
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save()
    response = api(reception1).post(ISSUE, {"appointment": appointment.pk}, format="json")
    assert response.status_code == 409
    assert not ReceptionNotice.objects.exists()


def test_every_notice_link_opens_with_the_api_token(appointment, reception1, outsider):
    links = api(reception1).post(ISSUE, {"appointment": appointment.pk}, format="json").json()
    assert len(links) == 4
    for link in links:
        check_token_download(link["docx_url"], owner=reception1, outsider=outsider)
        check_token_download(link["print_url"], owner=reception1, outsider=outsider, docx=False)


def test_the_appointments_notice_links_open_with_the_api_token(appointment, reception1, outsider):
    api(reception1).post(ISSUE, {"appointment": appointment.pk}, format="json")
    detail = api(reception1).get(f"/api/v1/reception/appointments/{appointment.pk}/").json()
    assert detail["notices"] and all(link["issued"] for link in detail["notices"])
    for link in detail["notices"]:
        check_token_download(link["docx_url"], owner=reception1, outsider=outsider)
