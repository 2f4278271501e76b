"""Notification test helpers: a fake SMS backend and a recorder of queued deliveries."""

import pytest


class FakeSmsBackend:
    """Records what it is asked to send; fails with `SmsError` while `failing` is set."""

    sent: list[tuple[str, str]] = []
    failing: str = ""

    def send(self, *, to: str, text: str) -> None:
        from notifications.sms import SmsError

        if FakeSmsBackend.failing:
            raise SmsError(FakeSmsBackend.failing)
        FakeSmsBackend.sent.append((to, text))


@pytest.fixture
def fake_sms(settings):
    """`settings.SMS_BACKEND` points at `FakeSmsBackend`; its record starts empty."""
    settings.SMS_BACKEND = "tests.notifications.conftest.FakeSmsBackend"
    FakeSmsBackend.sent = []
    FakeSmsBackend.failing = ""
    yield FakeSmsBackend
    FakeSmsBackend.sent = []
    FakeSmsBackend.failing = ""


@pytest.fixture
def queued(monkeypatch):
    """The ids handed to `enqueue_delivery` (no broker is touched), one list per call."""
    from notifications import services

    calls: list[list[int]] = []

    def record(ids):
        calls.append(list(ids))
        return len(calls[-1])

    monkeypatch.setattr(services, "enqueue_delivery", record)
    return calls
