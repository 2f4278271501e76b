"""Input the API and the pages refuse with a 4xx, never a 500 (issue 13 §5): a NUL byte in the
path, the query string or a code looked up in the body (PostgreSQL cannot hold one: on
today's code these were 500s there), JSON nested thousands deep (a RecursionError), and a URL
under /api/ that no route matches (an HTML 404 page before).

These run on SQLite and on PostgreSQL (`DATABASE_URL=postgres://...`); only on PostgreSQL did
the NULs fail before, the assertions are the same on both."""

import io
import json
from urllib.parse import urlencode

import pytest
from rest_framework import parsers, serializers
from rest_framework.test import APIClient

from cases import services as case_services
from core.api_input import MAX_JSON_DEPTH, JSONParser, SlugRelatedField
from tests.factories import register_petition

NUL = "\x00"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(handler1):
    return register_petition(handler1).petition.case


# --- the URL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/%00/",
        "/api/v1/cases/%00/",
        "/api/v1/cases/D1XFJ%00/",
        "/api/v1/org-units/%00/",
        "/api/v1/categories/%00/",
        "/api/v1/approvals/%00/",
    ],
)
def test_a_nul_in_an_api_path_is_404_in_the_api_shape(handler1, url):
    response = api(handler1).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_nul_in_the_path_of_a_step_is_404(handler1):
    response = api(handler1).post("/api/v1/cases/%00/accept/", {}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?category=%00",
        "/api/v1/cases/?answering_unit=D1%00",
        "/api/v1/petitions/?q=%00",
        "/api/v1/notifications/?case=%00",
        "/api/v1/supervision-notices/?case=%00",
        "/api/v1/reception/field-visits/?leader=%00",
        "/api/v1/cases/?%00=1",
    ],
)
def test_a_nul_in_an_api_query_string_is_400_on_the_parameter(handler1, url):
    response = api(handler1).get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.json() == {
        "non_field_errors" if "%00" in name else name: ["不允许包含空字符（NUL）。"]
    }


@pytest.mark.parametrize("url", ["/petitions/%00/", "/cases/%00/", "/petitions/%00/receipt/"])
def test_a_nul_in_a_page_path_is_404(client, handler1, url):
    client.force_login(handler1)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/cases/?category=%00", "/petitions/?q=%00", "/cases/?q=a%00b"])
def test_a_nul_in_a_page_query_string_is_400(client, handler1, url):
    client.force_login(handler1)
    assert client.get(url).status_code == 400


# --- codes in the body --------------------------------------------------------------------------


def test_a_nul_unit_code_in_a_supervision_notice_is_a_field_error(case, handler1, d1_supervisor):
    case_services.case_accept(actor=handler1, case=case)
    response = api(d1_supervisor).post(
        "/api/v1/supervision-notices/",
        {"case": case.number, "unit": NUL, "due": "2099-01-01", "content": "请报告"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_a_nul_unit_code_in_a_case_step_is_a_field_error(case, handler1, fmt):
    response = api(handler1).post(
        f"/api/v1/cases/{case.number}/forward/", {"to_unit": f"D2{NUL}"}, format=fmt
    )
    assert response.status_code == 400
    assert "to_unit" in response.json()


def test_nul_codes_in_an_intake_are_field_errors(reception1):
    body = {
        "channel": "visit",
        "location_unit": NUL,
        "category": NUL,
        "accused_unit": NUL,
        "summary": "拖欠工资",
        "petitioners": [{"name": "张三"}],
    }
    response = api(reception1).post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 400
    assert {"location_unit", "category", "accused_unit"} <= set(response.json())


def test_a_nul_username_in_a_field_visit_is_a_field_error(handler1):
    body = {"leader": NUL, "date": "2026-01-05", "place": "街道", "cases": []}
    response = api(handler1).post("/api/v1/reception/field-visits/", body, format="json")
    assert response.status_code == 400
    assert "leader" in response.json()


def test_nul_unit_codes_in_a_form_encoded_consultation_are_a_field_error(case, handler1):
    body = {"case": case.number, "units": [NUL, "D1S1"], "level": 1, "attendees": "x"}
    response = api(handler1).post(
        "/api/v1/consultations/",
        urlencode(body, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "units" in response.json()


def test_every_api_serializer_looks_codes_up_through_the_nul_safe_field():
    """One field refuses NULs for every code lookup: a plain DRF SlugRelatedField would send
    them to the database."""
    import config.api  # noqa: F401 - loads every API module

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    plain = []
    for serializer in set(subclasses(serializers.Serializer)):
        if serializer.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for name, field in serializer._declared_fields.items():
            if isinstance(field, serializers.ManyRelatedField):
                field = field.child_relation
            if isinstance(field, serializers.SlugRelatedField) and not isinstance(
                field, SlugRelatedField
            ):
                plain.append(f"{serializer.__module__}.{serializer.__name__}.{name}")
    assert plain == []


PROJECT_APPS = {
    "accounts",
    "cases",
    "dashboards",
    "escalation",
    "notifications",
    "petitions",
    "reception",
}


# --- JSON nested too deep -----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [5000, MAX_JSON_DEPTH + 1])
@pytest.mark.parametrize(
    "url", ["/api/v1/petitions/", "/api/v1/supervision-notices/", "/api/v1/cases/{}/forward/"]
)
def test_json_nested_too_deep_is_a_400(case, handler1, url, depth):
    body = "[" * depth + "]" * depth
    response = api(handler1).post(url.format(case.number), body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_json_within_the_limit_is_parsed():
    nested = json.dumps({"a": [[[{"b": [1]}]]]})
    assert JSONParser().parse(io.BytesIO(nested.encode())) == {"a": [[[{"b": [1]}]]]}


def test_petitioners_as_deep_json_text_in_a_multipart_intake_are_a_field_error(reception1):
    body = {"channel": "visit", "petitioners": "[" * 5000 + "]" * 5000, "summary": "x"}
    response = api(reception1).post("/api/v1/petitions/", body, format="multipart")
    assert response.status_code == 400
    assert "petitioners" in response.json()


def test_every_api_view_parses_json_with_the_depth_limit():
    from django.urls import get_resolver

    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            elif hasattr(pattern.callback, "cls"):
                yield pattern.callback.cls(**pattern.callback.initkwargs)

    plain = [
        type(view).__name__
        for view in views(get_resolver().url_patterns)
        if any(type(parser) is parsers.JSONParser for parser in view.get_parsers())
    ]
    assert plain == []


# --- unknown URLs under /api/ -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/approvals/0.5/decide/", "/api/v1/no-such-thing/", "/api/v1/cases/x/nope/"]
)
def test_an_api_url_no_route_matches_is_a_json_404(handler1, url):
    response = api(handler1).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_page_url_no_route_matches_is_still_the_404_page(client, handler1):
    client.force_login(handler1)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
