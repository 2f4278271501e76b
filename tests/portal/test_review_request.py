"""Ask for a review online: `POST /api/v1/public/review-request/` and the form on the matter
page. The request goes where a request registered by staff would go, within the same window."""

import datetime

import pytest
from django.test import Client

from cases.guards import review_request_target
from cases.models import CaseEvent, CaseStatus, EventKind, Review, ReviewLevel

from .conftest import registered

pytestmark = pytest.mark.usefixtures("frozen_now")  # 2026-11-22

URL = "/api/v1/public/review-request/"
REQUEST = "答复认定的事实与实际不符，请求复查。"


def ask(client, number, code, request=REQUEST):
    data = {"number": number, "query_code": code, "request": request}
    return client.post(URL, data, format="json")


def test_the_request_goes_to_the_body_above_within_the_window(client, answered):
    petition, code = answered
    superior = review_request_target(petition.case, ReviewLevel.REVIEW)
    response = ask(client, petition.number, code)
    assert response.status_code == 201
    assert response.json() == {
        "level": "review",
        "level_label": "复查",
        "unit": superior.official_name,
        "requested_on": "2026-11-22",
    }
    review = Review.objects.get(case=petition.case)
    assert (review.level, review.unit, review.request) == (ReviewLevel.REVIEW, superior, REQUEST)
    petition.case.refresh_from_db()
    assert petition.case.status == CaseStatus.REVIEW_REQUESTED
    event = CaseEvent.objects.get(case=petition.case, kind=EventKind.REVIEW_REQUESTED)
    assert event.actor is None and event.data["online"] is True
    assert event.comment.startswith("信访人网上申请复查") and REQUEST in event.comment
    # Once: the matter is under review now.
    assert ask(client, petition.number, code).status_code == 409
    assert Review.objects.count() == 1


def test_not_before_the_answer_is_delivered(client, handler1):
    petition, code = registered(handler1)
    response = ask(client, petition.number, code)
    assert response.status_code == 409
    assert not Review.objects.exists()


def test_not_after_the_window(client, answered, time_machine):
    petition, code = answered
    time_machine.move_to(datetime.datetime(2027, 1, 15, 10), tick=False)
    response = ask(client, petition.number, code)
    assert response.status_code == 409
    assert not Review.objects.exists()


@pytest.mark.parametrize("request_text", ["", "   "])
def test_an_empty_request_is_a_field_error(client, answered, request_text):
    petition, code = answered
    response = ask(client, petition.number, code, request=request_text)
    assert response.status_code == 400
    assert "request" in response.json()
    assert not Review.objects.exists()


def test_a_wrong_code_is_the_same_404_as_the_query(client, answered):
    petition, _code = answered
    response = ask(client, petition.number, "WRONG123")
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_the_matter_page_offers_the_request_and_takes_it_without_javascript(answered):
    petition, code = answered
    browser = Client()
    page = browser.post("/public/query/", {"number": petition.number, "query_code": code})
    assert page.status_code == 200 and 'id="review-request-form"' in page.content.decode()
    done = browser.post(
        "/public/review-request/",
        {"number": petition.number, "query_code": code, "request": REQUEST},
    )
    assert done.status_code == 200 and 'id="review-thanks"' in done.content.decode()
    assert Review.objects.filter(case=petition.case).count() == 1
    again = browser.post(
        "/public/review-request/",
        {"number": petition.number, "query_code": code, "request": REQUEST},
    )
    assert again.status_code == 409 and 'id="review-error"' in again.content.decode()


def test_the_page_does_not_offer_it_before_the_answer(handler1):
    petition, code = registered(handler1)
    page = Client().post("/public/query/", {"number": petition.number, "query_code": code})
    assert page.status_code == 200 and "review-request-form" not in page.content.decode()
