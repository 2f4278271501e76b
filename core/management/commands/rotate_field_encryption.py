"""Bring every encrypted field and lookup hash to the current keys and algorithms.

Key rotation (DESIGN §5) and the move from Fernet to SM4 / from HMAC-SHA256 to HMAC-SM3: put
the new key first (the old one after it), set FIELD_CIPHER / FIELD_HASH, run this command, then
drop the old key. For every model, batch by batch, each batch in its own transaction with its
rows locked (so a value written meanwhile is never overwritten with an older one):

- every EncryptedTextField is read as stored (without decrypting through the field) and
  re-encrypted under the current cipher's first key, unless it already is;
- every KeyedHashField with a `source` is recomputed from the decrypted value with the current
  FIELD_HASH, when it is set and differs. A hash without a source (the query code's: its
  plaintext is never stored) cannot be; lookups keep finding it (`crypto.lookup_hashes`).

Nothing changes what a row reads as; running it again changes nothing.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper, F, Value

from core import crypto
from core.fields import EncryptedTextField, KeyedHashField


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with its own EncryptedTextFields (each table once)."""
    return [(model, enc) for model, enc, _ in _models() if enc]


def hash_fields() -> list[tuple[type[models.Model], list[KeyedHashField]]]:
    """Every concrete model with its own KeyedHashFields, recomputable or not."""
    return [(model, hashed) for model, _, hashed in _models() if hashed]


def _models():
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        own = meta.local_concrete_fields
        encrypted = [f for f in own if isinstance(f, EncryptedTextField)]
        hashed = [f for f in own if isinstance(f, KeyedHashField)]
        if encrypted or hashed:
            yield model, encrypted, hashed


def _raw(field: EncryptedTextField) -> ExpressionWrapper:
    """The column as stored: a plain TextField output skips the decrypting from_db_value."""
    return ExpressionWrapper(F(field.attname), output_field=models.TextField())


def _stored(value: str) -> Value:
    """A ready-made ciphertext, written without the field encrypting it again."""
    return Value(value, output_field=models.TextField())


class Command(BaseCommand):
    help = (
        "Re-encrypt all encrypted fields under the current FIELD_CIPHER's first key and "
        "recompute their lookup hashes with the current FIELD_HASH."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (default 500)."
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        values = hashes = 0
        for model, encrypted, hashed in _models():
            recomputable = [f for f in hashed if f.source]
            for field in hashed:
                if not field.source:
                    self.stdout.write(
                        f"{model._meta.label}.{field.name}: not recomputable (its value is "
                        "never stored); lookups also try the other hash algorithm"
                    )
            if not encrypted:
                continue
            counts = self.rotate_model(model, encrypted, recomputable, batch_size)
            names = ", ".join(f.name for f in encrypted)
            self.stdout.write(
                f"{model._meta.label} ({names}): {counts[0]} values re-encrypted, "
                f"{counts[1]} hashes recomputed"
            )
            values, hashes = values + counts[0], hashes + counts[1]
        self.stdout.write(
            self.style.SUCCESS(
                f"{values} values re-encrypted and {hashes} hashes recomputed under the "
                "current keys."
            )
        )

    def rotate_model(self, model, encrypted, hashed, batch_size: int) -> tuple[int, int]:
        manager = model._base_manager
        aliases = {f"_raw_{index}": field for index, field in enumerate(encrypted)}
        hashed = [f for f in hashed if f.source in {e.name for e in encrypted}]
        values = hashes = 0
        last_pk = None
        while True:
            with transaction.atomic():
                rows = manager.order_by("pk").select_for_update()
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                rows = list(
                    rows.annotate(**{alias: _raw(f) for alias, f in aliases.items()}).values(
                        "pk", *aliases, *(f.attname for f in hashed)
                    )[:batch_size]
                )
                for row in rows:
                    changes, plain = {}, {}
                    for alias, field in aliases.items():
                        token = row[alias]
                        if token in (None, ""):
                            continue
                        try:
                            plain[field.name], current = crypto.reencrypt(token)
                        except InvalidToken as exc:
                            raise CommandError(
                                f"{model._meta.label} pk={row['pk']} {field.name}: {exc}"
                            ) from exc
                        if current != token:
                            changes[field.attname] = _stored(current)
                            values += 1
                    for field in hashed:
                        value, stored = plain.get(field.source), row[field.attname]
                        if not value or not stored:
                            continue  # a hash is recomputed, never added or removed
                        try:
                            fresh = field.hash(value)
                        except ValidationError:
                            self.stderr.write(
                                f"{model._meta.label} pk={row['pk']} {field.name}: the stored "
                                "value no longer normalizes; hash left as it is"
                            )
                            continue
                        if fresh != stored:
                            changes[field.attname] = fresh
                            hashes += 1
                    if changes:
                        try:
                            manager.filter(pk=row["pk"]).update(**changes)
                        except IntegrityError as exc:  # the batch rolls back
                            raise CommandError(
                                f"{model._meta.label} pk={row['pk']}: its recomputed lookup "
                                f"hash is another row's (the same person twice?): {exc}"
                            ) from exc
            if len(rows) < batch_size:
                return values, hashes
            last_pk = rows[-1]["pk"]
