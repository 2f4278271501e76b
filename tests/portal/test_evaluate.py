"""Rate the answer online: `POST /api/v1/public/evaluate/` and the form on the matter page."""

import datetime
import re

import pytest
from django.test import Client

from cases import services
from cases.models import CaseEvent, CaseStatus, Evaluation, EventKind
from dashboards.periods import Period
from dashboards.selectors import stats_summary
from dashboards.services import rollup_rebuild

from .conftest import D, registered

pytestmark = pytest.mark.usefixtures("frozen_now")  # 2026-11-22

URL = "/api/v1/public/evaluate/"


def rate(client, number, code, result="satisfied", comment="办得好"):
    data = {"number": number, "query_code": code, "result": result, "comment": comment}
    return client.post(URL, data, format="json")


def test_the_rating_is_recorded_once_as_given_online(client, answered):
    petition, code = answered
    response = rate(client, petition.number, code)
    assert response.status_code == 201
    assert response.json() == {"result": "satisfied", "result_label": "满意"}
    evaluation = Evaluation.objects.get(case=petition.case)
    assert evaluation.online and evaluation.recorded_by is None
    assert (evaluation.note, evaluation.evaluated_on) == ("办得好", D(2026, 11, 22))
    petition.case.refresh_from_db()
    assert petition.case.status == CaseStatus.EVALUATED
    event = CaseEvent.objects.get(case=petition.case, kind=EventKind.EVALUATED)
    assert event.actor is None and event.comment.startswith("信访人网上评价：满意")
    again = rate(client, petition.number, code, result="dissatisfied")
    assert again.status_code == 409
    assert Evaluation.objects.filter(case=petition.case).count() == 1


def test_a_rating_entered_by_staff_first_refuses_the_online_one(client, answered, handler1):
    petition, code = answered
    services.case_evaluate(
        actor=handler1, case=petition.case, result="satisfied", contact="本人", on=D(2026, 11, 21)
    )
    assert rate(client, petition.number, code).status_code == 409


def test_not_before_the_answer_is_delivered(client, handler1):
    petition, code = registered(handler1)
    services.case_accept(actor=handler1, case=petition.case, on=D(2026, 11, 5))
    response = rate(client, petition.number, code)
    assert response.status_code == 409
    assert not Evaluation.objects.exists()


def test_not_after_the_window(client, answered, time_machine):
    petition, code = answered
    time_machine.move_to(datetime.datetime(2027, 1, 15, 10), tick=False)
    response = rate(client, petition.number, code)
    assert response.status_code == 409
    assert "评价期" in str(response.json())
    assert not Evaluation.objects.exists()


def test_a_wrong_pair_is_404_and_counts_towards_the_lock(client, answered, settings):
    petition, code = answered
    for _ in range(settings.PUBLIC_QUERY_FAILURE_LIMIT):
        assert rate(client, petition.number, "WRONGCDE").status_code == 404
    assert rate(client, petition.number, code).status_code == 429
    locked_query = client.post(
        "/api/v1/public/query/", {"number": petition.number, "query_code": code}, format="json"
    )
    assert locked_query.status_code == 429
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"result": "great"}, "result"),
        ({"result": ""}, "result"),
        ({"comment": "长" * 1001}, "comment"),
    ],
)
def test_bad_input_gets_field_errors(client, answered, data, field):
    petition, code = answered
    body = {"number": petition.number, "query_code": code, "result": "satisfied", **data}
    response = client.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not Evaluation.objects.exists()


def test_no_internal_field_in_the_answer(client, answered, handler1):
    petition, code = answered
    body = rate(client, petition.number, code).json()
    assert set(body) == {"result", "result_label"}
    assert handler1.username not in str(body)


def test_the_dashboards_count_the_online_rating(client, answered, org, city_supervisor):
    petition, code = answered
    november = Period(D(2026, 11, 1), D(2026, 11, 30))

    def satisfaction():
        rollup_rebuild()
        summary = stats_summary(
            user=city_supervisor, unit=org.city, period=november, today=D(2026, 11, 22)
        )
        return summary["satisfaction_rate"]

    assert satisfaction() is None
    assert rate(client, petition.number, code).status_code == 201
    assert satisfaction() == 1.0


def test_the_operation_is_declared(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/public/evaluate/"]["post"]
    assert operation.get("security", []) in ([], [{}])  # no credentials asked for
    assert {"201", "400", "404", "409", "429"} <= set(operation["responses"])


# --- the page ---------------------------------------------------------------------------------


def test_the_matter_page_offers_the_form_and_thanks_without_javascript(answered):
    petition, code = answered
    browser = Client(enforce_csrf_checks=True)
    browser.get("/public/query/")
    token = browser.cookies["csrftoken"].value
    page = browser.post(
        "/public/query/",
        {"number": petition.number, "query_code": code, "csrfmiddlewaretoken": token},
    )
    html = page.content.decode()
    assert 'id="evaluate-form"' in html and 'action="/public/evaluate/"' in html
    assert re.search(rf'type="hidden" name="query_code" value="{code}"', html)
    assert html.count('type="radio" name="result"') == 3
    data = {"number": petition.number, "query_code": code, "result": "basically_satisfied"}
    refused = browser.post("/public/evaluate/", data)
    assert refused.status_code == 403  # no CSRF token
    answer = browser.post("/public/evaluate/", {**data, "csrfmiddlewaretoken": token})
    assert answer.status_code == 200 and "感谢" in answer.content.decode()
    assert Evaluation.objects.get(case=petition.case).online
    again = browser.post("/public/evaluate/", {**data, "csrfmiddlewaretoken": token})
    assert again.status_code == 409 and 'id="evaluate-error"' in again.content.decode()
    after = browser.post(
        "/public/query/",
        {"number": petition.number, "query_code": code, "csrfmiddlewaretoken": token},
    )
    assert 'id="evaluate-form"' not in after.content.decode()


def test_the_page_refuses_a_wrong_pair_and_no_choice(answered):
    petition, code = answered
    browser = Client()
    wrong = browser.post(
        "/public/evaluate/",
        {"number": petition.number, "query_code": "WRONGCDE", "result": "satisfied"},
    )
    assert wrong.status_code == 404 and "未查到" in wrong.content.decode()
    no_choice = browser.post("/public/evaluate/", {"number": petition.number, "query_code": code})
    assert no_choice.status_code == 400
    assert not Evaluation.objects.exists()


def test_staff_see_the_online_rating_in_the_timeline(client, answered, handler1):
    petition, code = answered
    assert rate(client, petition.number, code, result="dissatisfied").status_code == 201
    staff = Client()
    staff.force_login(handler1)
    page = staff.get(f"/cases/{petition.case.number}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "信访人网上评价：不满意" in html and "办得好" in html
