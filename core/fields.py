from __future__ import annotations

from collections.abc import Callable

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (SM4-GCM or Fernet, see `core.crypto`); read and written as
    plain text in Python.

    The ciphertext is not searchable: pair it with a KeyedHashField for lookups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)


class KeyedHashField(models.CharField):
    """The keyed lookup hash of a value (`core.crypto.keyed_hash`), 64 hex characters.

    `purpose` separates uses; `normalize` brings a value to the form that is hashed; `source`
    names the EncryptedTextField the hash is of, so `rotate_field_encryption` can recompute
    it under the current FIELD_HASH (None when the plaintext is never stored, e.g. a query
    code: such a hash keeps its algorithm, and lookups also try the other one).

    In migrations it is a plain CharField: these attributes are code, not schema.
    """

    def __init__(
        self,
        *args,
        purpose: str = "",
        normalize: Callable[[str], str] | None = None,
        source: str | None = None,
        **kwargs,
    ):
        self.purpose = purpose
        self.normalize = normalize or (lambda value: value)
        self.source = source
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def hash(self, value: str) -> str:
        """The hash to store for `value`."""
        return crypto.keyed_hash(self.purpose, self.normalize(value))

    def lookups(self, value: str) -> list[str]:
        """Every hash `value` may be stored under: filter with `<name>__in`."""
        return crypto.lookup_hashes(self.purpose, self.normalize(value))
