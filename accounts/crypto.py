"""Encryption at rest and keyed lookup hashes for personal data.

Keys come from settings, never from SECRET_KEY: FIELD_ENCRYPTION_KEYS (first one encrypts,
all decrypt, so keys can be rotated) and FIELD_HASH_KEY (for exact lookups).
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def reset_keys() -> None:
    """Forget the cached keys (after the settings change, e.g. in tests)."""
    _fernet.cache_clear()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise InvalidToken("No configured FIELD_ENCRYPTION_KEY can decrypt this value.") from exc


def reencrypt(token: str) -> str:
    """Re-encrypt `token` under the current (first) key."""
    return _fernet().rotate(token.encode()).decode()


def keyed_hash(purpose: str, value: str) -> str:
    """A stable HMAC-SHA256 of `value` for exact lookups; `purpose` separates uses."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.FIELD_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()
