"""The OpenAPI schema is generated without warnings: every endpoint and choice set is named."""

from django.core.management import call_command


def test_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text(encoding="utf-8").startswith("openapi:")


def test_every_non_safe_api_operation_declares_the_idempotency_key_and_its_answers(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
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
        if path.startswith("/api/v1/auth/"):  # logging in: no replay of credentials
            assert not any(p["name"] == "Idempotency-Key" for p in headers), path
            continue
        (key,) = [p for p in headers if p["name"] == "Idempotency-Key"]
        assert key["required"] is False and key["schema"]["maxLength"] == 255
        assert {"400", "409", "422"} <= set(operation["responses"]), (path, method)
    for item in schema["paths"].values():
        for method in ("get", "head"):
            params = item.get(method, {}).get("parameters", [])
            assert not any(p["name"] == "Idempotency-Key" for p in params)
