"""Headers and surfaces (issue 13 §4): the Content-Security-Policy without 'unsafe-inline',
the Permissions-Policy and Referrer-Policy headers, templates that need no inline script or
style, the API schema and docs for staff only in production, /media/ never served."""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from core import keyring
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
CSP = "Content-Security-Policy"


def directives(header: str) -> dict[str, list[str]]:
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.fixture
def handler_client(db, org):
    client = Client()
    client.force_login(UserFactory(username="h", org_unit=org.city_office, roles=["handler"]))
    return client


def test_every_page_sends_the_policy_without_unsafe_inline(handler_client):
    response = handler_client.get("/petitions/")
    assert response.status_code == 200
    policy = directives(response[CSP])
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    assert "unsafe" not in response[CSP]
    assert "Content-Security-Policy-Report-Only" not in response


def test_the_login_page_and_the_api_send_it_too(db):
    assert directives(Client().get("/login/")[CSP])["script-src"] == ["'self'"]
    assert directives(Client().get("/api/v1/cases/")[CSP])["default-src"] == ["'self'"]


def test_report_only_sends_the_same_policy_under_the_report_only_header(handler_client):
    from django.conf import settings

    policy = settings.CONTENT_SECURITY_POLICY
    with override_settings(
        CONTENT_SECURITY_POLICY=None, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        response = handler_client.get("/petitions/")
    assert CSP not in response
    assert directives(response["Content-Security-Policy-Report-Only"])["script-src"] == ["'self'"]


def settings_in(env: dict, expression: str):
    """Evaluate `expression` on django.conf.settings in a fresh process with `env`."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}))"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CSP_", "API_DOCS", "DJANGO_ENV"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert output.returncode == 0, output.stderr
    return json.loads(output.stdout.strip().splitlines()[-1])


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": keyring.new_secret_key(),
    "FIELD_ENCRYPTION_KEY": keyring.new_sm4_key(),
    "FIELD_HASH_KEY": keyring.new_hash_key(),
    "ALLOWED_HOSTS": "example.org",
}


def test_csp_report_only_is_a_setting_off_by_default():
    expression = (
        "[bool(settings.CONTENT_SECURITY_POLICY), "
        "bool(settings.CONTENT_SECURITY_POLICY_REPORT_ONLY)]"
    )
    assert settings_in({}, expression) == [True, False]
    assert settings_in({"CSP_REPORT_ONLY": "true"}, expression) == [False, True]


def test_permissions_and_referrer_policy(handler_client):
    response = handler_client.get("/petitions/")
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert features[feature] == "()", feature
    assert response["Referrer-Policy"] == "same-origin"


# --- templates: nothing that needs 'unsafe-inline' ----------------------------------------

TEMPLATES = sorted(
    path
    for pattern in ("templates/**/*.html", "*/templates/**/*.html")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=")
HANDLER = re.compile(r"\son[a-z]+=|\shx-on|javascript:", re.I)


def test_the_templates_were_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_STYLE, HANDLER], ids=str)
def test_no_template_has_inline_script_style_or_handlers(pattern):
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(re.sub(r"\{#.*?#\}", "", line))
    ]
    assert found == []


def test_htmx_injects_no_indicator_style_and_our_css_has_it(handler_client):
    html = handler_client.get("/petitions/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert json.loads(config.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}
    assert ".htmx-indicator" in (ROOT / "static/css/app.css").read_text()
    assert re.search(r'<script src="/static/js/pages.js">', html)


# --- the API schema and docs ---------------------------------------------------------------


@pytest.fixture
def staff_client(db, org):
    client = Client()
    client.force_login(
        UserFactory(username="staff", org_unit=org.city, roles=["admin"], is_staff=True)
    )
    return client


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_api_docs_only_for_logged_in_staff_when_not_public(url, handler_client, staff_client):
    with override_settings(API_DOCS_PUBLIC=False):
        assert Client().get(url).status_code in (401, 403)
        assert handler_client.get(url).status_code == 403
        assert staff_client.get(url).status_code == 200
    with override_settings(API_DOCS_PUBLIC=True):
        assert Client().get(url).status_code == 200


def test_api_docs_are_public_in_development_only():
    assert settings_in({}, "settings.API_DOCS_PUBLIC") is True
    assert settings_in(PRODUCTION_ENV, "settings.API_DOCS_PUBLIC") is False


def test_the_docs_page_runs_under_the_policy(staff_client):
    """Its start-up script is a file of its own (the split view), not inline; its style too."""
    response = staff_client.get("/api/docs/")
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)
    assert re.search(r'<script src="/api/docs/\?script="', html)
    assert directives(response[CSP])["script-src"] == ["'self'"]
    script = staff_client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# --- /media/ -----------------------------------------------------------------------------


def test_media_is_never_served_in_development_either(settings, db):
    (Path(settings.MEDIA_ROOT) / "attachments").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "attachments" / "x.pdf").write_bytes(b"%PDF-1.4 secret")
    import config.urls

    settings.DEBUG = True
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve("/media/attachments/x.pdf")
        assert Client().get("/media/attachments/x.pdf").status_code in (302, 404)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_no_link_to_media_anywhere():
    """Attachments and documents are reached through their scope-checked views only: no
    template or serializer links a file's storage URL."""
    apps = ["accounts", "cases", "config", "dashboards", "escalation", "notifications"]
    apps += ["petitions", "reception"]
    sources = [*TEMPLATES, *(path for app in apps for path in (ROOT / app).glob("**/*.py"))]
    found = [
        str(path.relative_to(ROOT))
        for path in sources
        if re.search(r"MEDIA_URL|/media/|\.file\.url|\.url\b[^(]*FileField", path.read_text())
        and path.name != "settings.py"
    ]
    assert found == []
