"""A document link from an API answer opens with the API token (issue 13 §5): the check every
kind of link shares (imported by the tests next to each API)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import token_client

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def check_token_download(url: str, *, owner, outsider, docx: bool = True) -> None:
    """`url` (absolute, as the API gives it): 200 with `owner`'s token (a .docx when `docx`),
    404 with `outsider`'s, 401 for an API client without a token or with a bad one, and the
    login page for a browser without a session."""
    path = url.removeprefix("http://testserver")
    answer = token_client(owner).get(path)
    assert answer.status_code == 200, (path, answer.status_code, answer.get("Location"))
    if docx:
        assert answer["Content-Type"] == DOCX
        assert answer["Content-Disposition"].startswith("attachment;")
    else:
        assert answer["Content-Type"].startswith("text/html")

    assert token_client(outsider).get(path).status_code == 404

    anonymous = APIClient().get(path, HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get(path).status_code == 401

    browser = Client().get(path)
    assert browser.status_code == 302
    assert browser["Location"].startswith(reverse("login") + "?next=")
