"""The keys of personal data at rest: how they are written, read and checked.

Plain Python with no Django app behind it, so that `config/settings.py` can check the keys
when it is imported (a production process with a bad key never starts).

FIELD_ENCRYPTION_KEY is a comma-separated list of keys, each written as
- `sm4:<base64 of 16 random bytes>`: an SM4 key (GB/T 32907), used with GCM;
- `fernet:<Fernet key>` or a bare Fernet key (44 url-safe base64 characters, 32 bytes): the
  keys written before SM4, kept as decrypt-only fallbacks until `rotate_field_encryption` has
  re-encrypted their data.
FIELD_CIPHER (`sm4` or `fernet`) picks the cipher: the first key of that kind in the list
encrypts, and every key in the list decrypts. FIELD_HASH (`sm3` or `sha256`) picks the HMAC of
the lookup hashes, keyed by FIELD_HASH_KEY.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured

SM4 = "sm4"
FERNET = "fernet"
CIPHERS = (SM4, FERNET)
SM3 = "sm3"
SHA256 = "sha256"
HASHES = (SM3, SHA256)

SM4_KEY_BYTES = 16
FERNET_KEY_BYTES = 32
MIN_HASH_KEY_CHARS = 32
# Key identifiers name a key in the SM4 ciphertext: 4 bytes of SM3 over the key (a key check
# value; it tells nothing useful about a 128-bit key).
_KEY_ID_LABEL = b"xinfangtong field key id\x00"


@dataclass(frozen=True)
class FieldKey:
    cipher: str  # SM4 or FERNET
    secret: bytes = field(repr=False)  # the raw key bytes
    key_id: str  # 8 hex characters

    @property
    def fernet_key(self) -> bytes:
        """The key as `cryptography.fernet.Fernet` takes it."""
        return base64.urlsafe_b64encode(self.secret)


def key_id(cipher: str, secret: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(_KEY_ID_LABEL + cipher.encode() + b"\x00" + secret)
    return digest.finalize()[:4].hex()


def _b64(text: str) -> bytes:
    """Standard or url-safe base64, padding optional; raises ValueError on anything else."""
    text = text.strip().replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError(str(exc)) from None


def parse_key(entry: str, *, position: int = 1) -> FieldKey:
    """One entry of FIELD_ENCRYPTION_KEY. The error names the entry, never its value."""
    entry = entry.strip()
    where = f"FIELD_ENCRYPTION_KEY entry {position}"
    if entry.startswith(f"{SM4}:"):
        cipher, body, size = SM4, entry[len(SM4) + 1 :], SM4_KEY_BYTES
        shape = "sm4:<base64 of 16 bytes>"
    else:
        cipher, body, size = FERNET, entry.removeprefix(f"{FERNET}:"), FERNET_KEY_BYTES
        shape = "a Fernet key (44 url-safe base64 characters) or sm4:<base64 of 16 bytes>"
    try:
        secret = _b64(body)
    except ValueError:
        raise ImproperlyConfigured(f"{where} is not base64; expected {shape}.") from None
    if len(secret) != size:
        raise ImproperlyConfigured(
            f"{where} decodes to {len(secret)} bytes; a {cipher} key has {size} (expected {shape})."
        )
    return FieldKey(cipher=cipher, secret=secret, key_id=key_id(cipher, secret))


def parse_keys(entries: list[str]) -> list[FieldKey]:
    return [parse_key(entry, position=n) for n, entry in enumerate(entries, start=1) if entry]


def encrypting_key(keys: list[FieldKey], cipher: str) -> FieldKey:
    """The first key of the chosen cipher: it encrypts; the others only decrypt."""
    for key in keys:
        if key.cipher == cipher:
            return key
    raise ImproperlyConfigured(
        f"FIELD_CIPHER is {cipher!r} but FIELD_ENCRYPTION_KEY has no {cipher} key: "
        f"generate one with `python manage.py generate_field_keys` and put it first."
    )


def check_field_settings(*, keys: list[str], cipher: str, hash_name: str) -> list[FieldKey]:
    """Every environment: the settings are well-formed and one key can encrypt."""
    if cipher not in CIPHERS:
        raise ImproperlyConfigured(f"FIELD_CIPHER must be one of {', '.join(CIPHERS)}.")
    if hash_name not in HASHES:
        raise ImproperlyConfigured(f"FIELD_HASH must be one of {', '.join(HASHES)}.")
    try:  # key ids are SM3 whatever the settings; SM4 in GCM mode only when chosen
        hashes.Hash(hashes.SM3())
        if cipher == SM4:
            Cipher(algorithms.SM4(bytes(SM4_KEY_BYTES)), modes.GCM(bytes(12))).encryptor()
    except UnsupportedAlgorithm as exc:
        raise ImproperlyConfigured(
            f"The OpenSSL behind the `cryptography` package lacks SM3/SM4 ({exc}): install "
            "the pinned `cryptography` wheel, which bundles an OpenSSL that has them."
        ) from exc
    parsed = parse_keys(keys)
    if not parsed:
        raise ImproperlyConfigured("Set the FIELD_ENCRYPTION_KEY environment variable.")
    encrypting_key(parsed, cipher)
    return parsed


def check_production_secrets(
    *,
    secret_key: str,
    keys: list[FieldKey],
    hash_key: str,
    public_secret_keys: set[str],
    public_field_keys: list[str],
    public_hash_keys: set[str],
) -> None:
    """Production: no value published in this repository, and keys long enough."""
    if secret_key in public_secret_keys:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development value: set a fresh one in production "
            "(python manage.py generate_field_keys prints one)."
        )
    public = {parse_key(entry).secret for entry in public_field_keys}
    for position, key in enumerate(keys, start=1):
        if key.secret in public:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY entry {position} is a development key, published with "
                f"the source: generate one with `python manage.py generate_field_keys`."
            )
    if hash_key in public_hash_keys:
        raise ImproperlyConfigured(
            "FIELD_HASH_KEY is the development value: generate one with "
            "`python manage.py generate_field_keys`."
        )
    if len(hash_key) < MIN_HASH_KEY_CHARS or len(set(hash_key)) < 8:
        raise ImproperlyConfigured(
            f"FIELD_HASH_KEY must be at least {MIN_HASH_KEY_CHARS} random characters "
            f"(`python manage.py generate_field_keys` prints one)."
        )


def new_sm4_key() -> str:
    return f"{SM4}:{base64.b64encode(secrets.token_bytes(SM4_KEY_BYTES)).decode()}"


def new_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(FERNET_KEY_BYTES)).decode()


def new_hash_key() -> str:
    return secrets.token_urlsafe(48)  # 64 characters, 384 bits


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)
