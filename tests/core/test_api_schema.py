"""The OpenAPI schema is generated without warnings: every endpoint and choice set is named."""

import functools
import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def test_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text(encoding="utf-8").startswith("openapi:")


# --- the schema says what the API answers (issue 13 §5) -------------------------------------


@functools.cache
def generated() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def schema(db) -> dict:
    return generated()


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


def response_schema(schema: dict, path: str, method: str, status: str) -> dict:
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"][
        "schema"
    ]


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("CaseList", "handling_due"),
        ("CaseList", "next_due"),
        ("CaseList", "sponsoring_leader"),
        ("CaseDetail", "accused_unit"),
        ("CaseDetail", "answering_unit"),
        ("CaseDetail", "handling_due"),
        ("CaseDetail", "review_due"),
        ("CaseDetail", "rereview_request_due"),
        ("CaseDetail", "same_matter_as"),
        ("CaseDetail", "sponsor_staff"),
        ("PetitionDetail", "accused_unit"),
        ("PetitionCreated", "accused_unit"),
        ("Category", "parent"),
        ("OrgUnit", "parent"),
        ("Notice", "issued_by"),
        ("Notice", "responded_by"),
        ("Assignment", "leader"),
        ("Approval", "decided_by"),
        ("Review", "decided_by"),
        ("Consultation", "escalated_by"),
        ("ConsultationTask", "done_on"),
        ("JointPartyOut", "done_on"),
    ],
)
def test_fields_that_can_be_null_are_declared_nullable(schema, name, field):
    assert component(schema, name)["properties"][field].get("nullable") is True


def test_a_nested_document_that_can_be_missing_is_nullable(schema):
    for name, properties in schema["components"]["schemas"].items():
        for field, spec in properties.get("properties", {}).items():
            if spec.get("allOf") == [{"$ref": "#/components/schemas/Document"}]:
                assert spec.get("nullable") is True, f"{name}.{field}"


def test_reception_days_is_one_object_with_a_count_and_the_days(schema):
    answer = response_schema(schema, "/api/v1/reception/days/", "get", "200")
    days = component(schema, answer["$ref"].rsplit("/", 1)[1])
    assert days["type"] == "object"
    assert days["properties"]["count"]["type"] == "integer"
    assert days["properties"]["results"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Day"},
    }


def test_rankings_is_one_object_with_the_month_rows_and_notices(schema):
    answer = response_schema(schema, "/api/v1/rankings/", "get", "200")
    month = component(schema, answer["$ref"].rsplit("/", 1)[1])
    assert set(month["properties"]) == {"month", "results", "notices"}
    assert month["properties"]["results"]["type"] == "array"


def test_the_repeat_check_is_a_plain_list(schema):
    answer = response_schema(schema, "/api/v1/petitions/repeat-check/", "get", "200")
    assert answer["type"] == "array"


def test_every_operation_declares_its_errors_with_their_body(schema):
    error = {"$ref": "#/components/schemas/Error"}
    bad_input = {"$ref": "#/components/schemas/ValidationError"}
    assert component(schema, "Error")["required"] == ["detail"]
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 60
    for path, method, operation in operations:
        codes = set(operation["responses"])
        expected = {"400", "401", "403", "429"}
        if "{" in path:
            expected.add("404")
        # The token endpoint and the public query change no state of a case or a row.
        if method != "get" and path not in ("/api/v1/auth/token/", "/api/v1/public/query/"):
            expected.add("409")
        if "requestBody" in operation:
            expected |= {"413", "415"}
        assert expected <= codes, (method, path, expected - codes)
        assert response_schema(schema, path, method, "400") == bad_input
        for code in expected - {"400"}:
            assert response_schema(schema, path, method, code) == error, (method, path, code)


def test_a_paginated_list_declares_404_for_a_page_past_the_end(schema):
    assert "404" in schema["paths"]["/api/v1/cases/"]["get"]["responses"]
    assert "409" not in schema["paths"]["/api/v1/cases/"]["get"]["responses"]


def test_times_of_day_are_declared_as_the_api_writes_them(schema):
    """DRF writes "14:30:00"; OpenAPI's `format: time` wants an offset ("14:30:00Z")."""
    start = component(schema, "Schedule")["properties"]["start_time"]
    assert "format" not in start
    assert re.fullmatch(start["pattern"], "14:30:00")
    assert re.fullmatch(start["pattern"], "09:05")
    assert not re.fullmatch(start["pattern"], "25:00")


def test_every_non_safe_api_operation_declares_the_idempotency_key_and_its_answers(db):
    schema = generated()
    assert "IdempotencyError" in schema["components"]["schemas"]
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert len(operations) > 20
    for path, method, operation in operations:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        # Logging in: no replay of credentials; the public portal: no user to store it for.
        if path.startswith(("/api/v1/auth/", "/api/v1/public/")):
            assert not any(p["name"] == "Idempotency-Key" for p in headers), path
            continue
        (key,) = [p for p in headers if p["name"] == "Idempotency-Key"]
        assert key["required"] is False and key["schema"]["maxLength"] == 255
        assert {"400", "409", "422"} <= set(operation["responses"]), (path, method)
    for item in schema["paths"].values():
        for method in ("get", "head"):
            params = item.get(method, {}).get("parameters", [])
            assert not any(p["name"] == "Idempotency-Key" for p in params)
