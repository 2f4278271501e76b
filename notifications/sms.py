"""SMS backends: the interface, a console backend for development and an HTTP gateway backend
for production (`SMS_BACKEND`, `SMS_GATEWAY_URL`, `SMS_GATEWAY_TOKEN`)."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.identity import mask_phone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted; the caller retries later."""


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the log, with the number masked."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(to), text)


class HttpGatewaySmsBackend(BaseSmsBackend):
    """POSTs `{"to": ..., "text": ...}` as JSON to `SMS_GATEWAY_URL` with the bearer token
    `SMS_GATEWAY_TOKEN`; any answer but 2xx, or no answer within the timeout, is an error."""

    def __init__(self) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("SMS_GATEWAY_URL is not set.")
        self.url = settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN
        self.timeout = settings.SMS_GATEWAY_TIMEOUT

    def send(self, *, to: str, text: str) -> None:
        try:
            request = urllib.request.Request(
                self.url,
                data=json.dumps({"to": to, "text": text}, ensure_ascii=False).encode(),
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
                },
                method="POST",
            )
        except ValueError as exc:  # a URL without a scheme: a setting to fix, not a crash
            raise SmsError(f"SMS_GATEWAY_URL is not a valid URL: {exc}") from exc
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered {status}")
        logger.info("SMS to %s accepted by the gateway", mask_phone(to))


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
