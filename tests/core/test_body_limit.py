"""An oversized request body is refused with 413 before anything reads it (issue 13 §4):
JSON and form bodies over API_MAX_BODY_BYTES, by Content-Length, or read up to the limit when
chunked; multipart uploads keep their own limits."""

import io
import json
from unittest import mock

import pytest
from django.test import Client, RequestFactory

from core.bodylimit import RequestBodyLimitMiddleware

MB = 1024 * 1024


@pytest.fixture
def no_parsing():
    """Fails the test if DRF or Django starts parsing a body."""
    with (
        mock.patch("rest_framework.parsers.JSONParser.parse") as json_parse,
        mock.patch("rest_framework.parsers.FormParser.parse") as form_parse,
        mock.patch("rest_framework.authtoken.views.ObtainAuthToken.post") as token_view,
    ):
        yield json_parse, form_parse, token_view
        json_parse.assert_not_called()
        form_parse.assert_not_called()
        token_view.assert_not_called()


def test_3_mb_of_json_to_the_token_endpoint_is_413_without_the_view(db, no_parsing):
    body = json.dumps({"username": "x" * (3 * MB), "password": "y"})
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_form_body_to_a_page_is_413_with_a_plain_page(db, no_parsing):
    body = "username=" + "x" * (3 * MB)
    response = Client().post("/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


def test_the_limit_is_a_setting(db, settings):
    settings.API_MAX_BODY_BYTES = 100
    body = json.dumps({"username": "u", "password": "p" * 200})
    assert (
        Client().post("/api/v1/auth/token/", body, content_type="application/json").status_code
        == 413
    )
    settings.API_MAX_BODY_BYTES = 2 * MB
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400  # wrong credentials: read and answered as before


def test_multipart_keeps_its_own_limits(db, settings):
    settings.API_MAX_BODY_BYTES = 100
    request = RequestFactory().post("/petitions/new/", {"file": io.BytesIO(b"x" * 1000)})
    assert request.META["CONTENT_TYPE"].startswith("multipart/form-data")
    assert RequestBodyLimitMiddleware(lambda r: None).refuse(request) is None


def chunked_request(body: bytes):
    request = RequestFactory().generic(
        "POST", "/api/v1/auth/token/", b"", content_type="application/json"
    )
    request.META.pop("CONTENT_LENGTH", None)
    stream = io.BytesIO(body)
    request.META.update(
        {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": stream, "wsgi.input_terminated": True}
    )
    return request, stream


def test_a_chunked_body_is_read_only_up_to_the_limit(settings):
    settings.API_MAX_BODY_BYTES = 1000
    request, stream = chunked_request(b"x" * 10_000)
    response = RequestBodyLimitMiddleware(lambda r: None).refuse(request)
    assert response.status_code == 413
    assert stream.tell() == 1001  # one byte past the limit, never the rest


def test_a_small_chunked_body_goes_on_as_the_request_body(settings):
    settings.API_MAX_BODY_BYTES = 1000
    request, _stream = chunked_request(b'{"a": 1}')
    assert RequestBodyLimitMiddleware(lambda r: None).refuse(request) is None
    assert request.body == b'{"a": 1}'
    assert request.META["CONTENT_LENGTH"] == "8"


def test_the_middleware_comes_before_anything_that_reads_a_body(settings):
    position = settings.MIDDLEWARE.index("core.bodylimit.RequestBodyLimitMiddleware")
    readers = ("sessions", "csrf", "auth", "messages", "locale", "common")
    assert all(
        settings.MIDDLEWARE.index(name) > position
        for name in settings.MIDDLEWARE
        if any(reader in name for reader in readers)
    )


def test_the_refusal_carries_the_security_headers(db):
    body = json.dumps({"username": "x" * (3 * MB)})
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response
