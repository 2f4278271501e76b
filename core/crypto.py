"""Encryption at rest and keyed lookup hashes for personal data (密评, GB/T 39786).

Keys come from settings, never from SECRET_KEY (their format: `core.keyring`).

Encryption: FIELD_CIPHER=sm4 (the default) seals values with SM4 in GCM mode; `fernet` with
Fernet (AES-128-CBC + HMAC-SHA256), the format written before SM4. The first key of the
chosen cipher in FIELD_ENCRYPTION_KEYS encrypts; every listed key decrypts. A value says how
it was sealed, so decryption picks its key without trying them all:

    $sm4gcm$v1$<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>

with the key id of `core.keyring.key_id` (8 hex characters), a random 96-bit nonce and the
128-bit GCM tag; the header `$sm4gcm$v1$<key id>$` is authenticated as associated data, so
changing any byte of the value fails. Fernet tokens start with `gAAAAA` and stay readable.
(Random 96-bit nonces are safe for up to 2^32 values under one key: far more than the
ID numbers and phones an office holds, and keys are rotated long before.)

Lookup hashes: FIELD_HASH=sm3 (the default) is HMAC-SM3, `sha256` HMAC-SHA256 (the hashes
written before SM3), over `<purpose>:<value>`, keyed by FIELD_HASH_KEY, as 64 hex characters.
`keyed_hash` is the hash to store; every lookup filters with `__in` on `lookup_hashes`, which
also lists the other algorithm's hash: a hash that cannot be recomputed (the query code's,
whose plaintext is never stored) keeps finding its row after the switch.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from . import keyring
from .keyring import FERNET, SM3, SM4, FieldKey

SM4_PREFIX = "$sm4gcm$"
SM4_VERSION = "v1"
FERNET_PREFIX = "gAAAAA"
NONCE_BYTES = 12
TAG_BYTES = 16


@dataclass(frozen=True)
class _Keys:
    encrypting: FieldKey | None
    sm4: dict[str, list[algorithms.SM4]]  # by key id (a clash of ids tries each)
    fernet: list[tuple[FieldKey, Fernet]]

    def sm4_key(self, key_id: str) -> list[algorithms.SM4]:
        return self.sm4.get(key_id, [])


@functools.cache
def _keys() -> _Keys:
    parsed = keyring.parse_keys(settings.FIELD_ENCRYPTION_KEYS)
    cipher = settings.FIELD_CIPHER
    encrypting = next((key for key in parsed if key.cipher == cipher), None)
    sm4: dict[str, list[algorithms.SM4]] = {}
    for key in parsed:
        if key.cipher == SM4:
            sm4.setdefault(key.key_id, []).append(algorithms.SM4(key.secret))
    fernet = [(key, Fernet(key.fernet_key)) for key in parsed if key.cipher == FERNET]
    return _Keys(encrypting=encrypting, sm4=sm4, fernet=fernet)


@functools.cache
def _hash_key() -> bytes:
    return settings.FIELD_HASH_KEY.encode()


def reset_keys() -> None:
    """Forget the cached keys (after the settings change, e.g. in tests)."""
    _keys.cache_clear()
    _hash_key.cache_clear()


def _encrypting_key() -> FieldKey:
    keys = _keys()
    if keys.encrypting is None:
        return keyring.encrypting_key([], settings.FIELD_CIPHER)  # raises ImproperlyConfigured
    return keys.encrypting


def _sm4_header(key_id: str) -> str:
    return f"{SM4_PREFIX}{SM4_VERSION}${key_id}$"


def _sm4_seal(key: FieldKey, plaintext: bytes) -> str:
    header = _sm4_header(key.key_id)
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(_keys().sm4_key(key.key_id)[0], modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(header.encode())
    sealed = nonce + encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag
    return header + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()


def _sm4_open(token: str) -> tuple[str, bytes]:
    """(key id, plaintext) of an SM4 value; InvalidToken if no key opens it unchanged."""
    try:
        _, _, version, key_id, body = token.split("$")
    except ValueError:
        raise InvalidToken("Malformed SM4 value.") from None
    if version != SM4_VERSION:
        raise InvalidToken(f"Unknown SM4 value version {version!r}.")
    try:
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("Malformed SM4 value.") from None
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise InvalidToken("Malformed SM4 value.")
    nonce, tag = sealed[:NONCE_BYTES], sealed[-TAG_BYTES:]
    ciphertext = sealed[NONCE_BYTES:-TAG_BYTES]
    header = _sm4_header(key_id).encode()
    for algorithm in _keys().sm4_key(key_id):
        decryptor = Cipher(algorithm, modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        try:
            return key_id, decryptor.update(ciphertext) + decryptor.finalize()
        except InvalidTag:
            continue
    raise InvalidToken("No configured FIELD_ENCRYPTION_KEY can decrypt this value.")


def _fernet_open(token: str) -> tuple[FieldKey, bytes]:
    for key, fernet in _keys().fernet:
        try:
            return key, fernet.decrypt(token.encode())
        except InvalidToken:
            continue
    raise InvalidToken("No configured FIELD_ENCRYPTION_KEY can decrypt this value.")


def _open(token: str) -> tuple[str, str, str]:
    """(cipher, key id, plaintext) of a stored value."""
    if token.startswith(SM4_PREFIX):
        key_id, plaintext = _sm4_open(token)
        return SM4, key_id, plaintext.decode()
    if token.startswith(FERNET_PREFIX):
        key, plaintext = _fernet_open(token)
        return FERNET, key.key_id, plaintext.decode()
    raise InvalidToken("Not an encrypted value (neither SM4 nor Fernet).")


def encrypt(plaintext: str) -> str:
    key = _encrypting_key()
    if key.cipher == SM4:
        return _sm4_seal(key, plaintext.encode())
    return Fernet(key.fernet_key).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _open(token)[2]


def cipher_of(token: str) -> str:
    """The cipher a stored value was sealed with, read from its format (not decrypted)."""
    if token.startswith(SM4_PREFIX):
        return SM4
    if token.startswith(FERNET_PREFIX):
        return FERNET
    raise InvalidToken("Not an encrypted value (neither SM4 nor Fernet).")


def reencrypt(token: str) -> tuple[str, str]:
    """(plaintext, value under the current cipher and key): `token` itself when it already
    is; raises InvalidToken when no configured key can read it."""
    cipher, key_id, plaintext = _open(token)
    current = _encrypting_key()
    if (cipher, key_id) == (current.cipher, current.key_id):
        return plaintext, token
    return plaintext, encrypt(plaintext)


def _hmac(algorithm: str, message: bytes) -> str:
    if algorithm == SM3:
        mac = crypto_hmac.HMAC(_hash_key(), hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()
    return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()


def keyed_hash(purpose: str, value: str) -> str:
    """The lookup hash to store: HMAC (FIELD_HASH) of `value`; `purpose` separates uses."""
    return _hmac(settings.FIELD_HASH, f"{purpose}:{value}".encode())


def lookup_hashes(purpose: str, value: str) -> list[str]:
    """Every hash `value` may be stored under, the current algorithm's first: filter with
    `<column>__in`. Every lookup goes through here."""
    message = f"{purpose}:{value}".encode()
    current = settings.FIELD_HASH
    return [_hmac(current, message)] + [
        _hmac(other, message) for other in keyring.HASHES if other != current
    ]
