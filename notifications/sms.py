"""SMS backends: the interface and the console backend for development.

The HTTP gateway backend and the notification rows that use these come with the escalation
issue; settings already name the backend (`SMS_BACKEND`).
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.identity import mask_phone

logger = logging.getLogger(__name__)


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to the log, with the number masked."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(to), text)


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
