"""A small HTTP client over the standard library (no system dependency): one connection, the
cookies a browser would keep, Django's CSRF header on writes, and a login by the login form.

Imports nothing of Django, so a load generator process can use it without setting Django up.
"""

from __future__ import annotations

import http.client
import json
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

LOGIN_PATH = "/login/"


class HttpError(RuntimeError):
    """A response that is not 2xx where one was expected: the URL and status say which."""

    def __init__(self, method: str, path: str, status: int, body: bytes = b""):
        self.method, self.path, self.status = method, path, status
        excerpt = body[:300].decode("utf-8", "replace").strip()
        super().__init__(f"{method} {path}: HTTP {status}" + (f": {excerpt}" if excerpt else ""))


class Session:
    """A browser-like client of one server: keeps the cookies it is sent and its connection
    (reopened when the server closes it, as gunicorn's sync workers do after each answer)."""

    def __init__(self, base_url: str, *, timeout: float = 60.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, bytes]:
        """Send one request; the status and body of the answer."""
        headers = {"Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method not in {"GET", "HEAD"}:
            headers["Content-Type"] = content_type
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        self._keep(response.headers.get_all("Set-Cookie") or [])
        return response.status, data

    def timed(self, method: str, path: str, body: bytes | None = None) -> float:
        """Send one request that must answer 2xx (HttpError otherwise); its latency in ms."""
        start = time.perf_counter()
        status, data = self.request(method, path, body)
        latency = (time.perf_counter() - start) * 1000
        if not 200 <= status < 300:
            raise HttpError(method, path, status, data)
        return latency

    def login(self, username: str, password: str) -> None:
        """Log in by the login form, as a browser does: its page sets the CSRF cookie, the
        post sets the session cookie (and a fresh CSRF cookie)."""
        status, data = self.request("GET", LOGIN_PATH)
        if status != 200 or "csrftoken" not in self.cookies:
            raise HttpError("GET", LOGIN_PATH, status, data)
        form = urlencode(
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": username,
                "password": password,
                "next": "",
            }
        ).encode()
        status, data = self.request(
            "POST", LOGIN_PATH, form, content_type="application/x-www-form-urlencoded"
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise HttpError("POST", f"{LOGIN_PATH} as {username}", status, data)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _keep(self, lines: list[str]) -> None:
        for line in lines:
            cookie = SimpleCookie()
            cookie.load(line)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)


def json_body(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()
