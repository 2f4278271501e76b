"""SMS backends: the interface, a console backend for development and an HTTP gateway backend
for production (`SMS_BACKEND`, `SMS_GATEWAY_URL`, `SMS_GATEWAY_TOKEN`).

A backend's `send` ends in one of three ways: it returns (the message was accepted), it raises
`SmsError` (it was not: the caller retries later) or it raises `SmsOutcomeUnknown` (the
request may have been accepted: the caller must not send it again by itself)."""

import http.client
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from core.identity import mask_phone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted; the caller retries later."""


class SmsOutcomeUnknown(Exception):
    """The request reached the gateway but no answer came back: the message may have gone
    out. Not an `SmsError`, so that nobody retries it by mistake."""


class BaseSmsBackend:
    def send(self, *, to: str, text: str, idempotency_key: str = "") -> None:
        """Send `text` to `to`. `idempotency_key` is unique to this attempt (a UUID): a gateway
        that honours it sends one message however many times it receives the same key."""
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the log, with the number masked."""

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> None:
        logger.info("SMS to %s [%s]: %s", mask_phone(to), idempotency_key, text)


class HttpGatewaySmsBackend(BaseSmsBackend):
    """POSTs `{"to": ..., "text": ..., "idempotency_key": ...}` as JSON to `SMS_GATEWAY_URL`
    with the bearer token `SMS_GATEWAY_TOKEN` and the header `Idempotency-Key: <key>` (the
    same UUID, one per delivery attempt: a gateway that honours it sends a repeated request
    once, and the operator finds an attempt whose outcome is unknown in the gateway's records
    by it).

    A 2xx answer is acceptance. An error answer, or a gateway that cannot be reached, is an
    `SmsError` (retried later, in a new attempt). A request sent without an answer within
    `SMS_GATEWAY_TIMEOUT` (timeout, connection dropped) is `SmsOutcomeUnknown`: the gateway
    may have taken it, so it is left to an operator rather than sent again."""

    def __init__(self) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("SMS_GATEWAY_URL is not set.")
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> None:
        payload = {"to": to, "text": text}
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            payload["idempotency_key"] = idempotency_key
            headers["Idempotency-Key"] = idempotency_key
        try:
            request = urllib.request.Request(
                self.url,
                data=json.dumps(payload, ensure_ascii=False).encode(),
                headers=headers,
                method="POST",
            )
        except ValueError as exc:  # a URL without a scheme: a setting to fix, not a crash
            raise SmsError(f"SMS_GATEWAY_URL is not a valid URL: {exc}") from exc
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except urllib.error.URLError as exc:
            # urllib wraps the errors of connecting and sending the request: not accepted.
            raise SmsError(f"gateway unreachable: {exc.reason}") from exc
        except (OSError, http.client.HTTPException) as exc:
            # The request went out, the answer did not come back (TimeoutError is an OSError).
            raise SmsOutcomeUnknown(f"no answer from the gateway: {exc!r}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")
        logger.info("SMS to %s accepted by the gateway", mask_phone(to))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
