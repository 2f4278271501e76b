"""The OpenAPI schema is generated without warnings: every endpoint and choice set is named."""

from django.core.management import call_command


def test_schema_generates_without_warnings(db, tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text(encoding="utf-8").startswith("openapi:")
