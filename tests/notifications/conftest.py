"""Notification test helpers: a fake SMS backend, a recorder of queued deliveries and a real
local HTTP gateway."""

import http.server
import threading
import time

import pytest


class FakeSmsBackend:
    """Records what it is asked to send (and the idempotency keys in `keys`); fails with
    `SmsError` while `failing` is set; calls `during_send` (if set) once it has recorded a
    message, to act as a second worker or a failing database at that very moment."""

    sent: list[tuple[str, str]] = []
    keys: list[str] = []
    failing: str = ""
    during_send = None

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> None:
        from notifications.sms import SmsError

        if FakeSmsBackend.failing:
            raise SmsError(FakeSmsBackend.failing)
        FakeSmsBackend.sent.append((to, text))
        FakeSmsBackend.keys.append(idempotency_key)
        if FakeSmsBackend.during_send is not None:
            FakeSmsBackend.during_send()


@pytest.fixture
def fake_sms(settings):
    """`settings.SMS_BACKEND` points at `FakeSmsBackend`; its record starts empty."""
    settings.SMS_BACKEND = "tests.notifications.conftest.FakeSmsBackend"
    _reset()
    yield FakeSmsBackend
    _reset()


def _reset():
    FakeSmsBackend.sent = []
    FakeSmsBackend.keys = []
    FakeSmsBackend.failing = ""
    FakeSmsBackend.during_send = None


@pytest.fixture
def queued(monkeypatch):
    """The ids handed to `enqueue_delivery` (no broker is touched), one list per call."""
    from notifications.services import sending

    calls: list[list[int]] = []

    def record(ids):
        calls.append(list(ids))
        return len(calls[-1])

    monkeypatch.setattr(sending, "enqueue_delivery", record)
    return calls


class Gateway:
    """A real HTTP server on 127.0.0.1 (port 0) that records each request and answers with
    `status`, after `delay` seconds."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                time.sleep(gateway.delay)
                try:
                    self.send_response(gateway.status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a `delay` beyond its timeout)

            def log_message(self, format, *args):  # keep the test output clean
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.SMS_BACKEND = "notifications.sms.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    settings.SMS_GATEWAY_TIMEOUT = 2.0
    yield server
    server.close()
