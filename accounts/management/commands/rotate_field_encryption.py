"""Re-encrypt every encrypted field under the current (first) key of FIELD_ENCRYPTION_KEYS.

Key rotation (DESIGN §5): put the new key first and keep the old one after it, run this
command, then drop the old key. The stored ciphertext is read as it is (without decrypting
through the field), re-encrypted with `accounts.crypto.reencrypt` and written back, batch by
batch, each batch in its own transaction with its rows locked, so a value written meanwhile
is never overwritten with an older one. Running it twice is harmless.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

from accounts import crypto
from accounts.fields import EncryptedTextField


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with its own EncryptedTextFields (each table once)."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def _raw(field: EncryptedTextField) -> ExpressionWrapper:
    """The column as stored: a plain TextField output skips the decrypting from_db_value."""
    return ExpressionWrapper(F(field.attname), output_field=models.TextField())


def _stored(value: str) -> Value:
    """A ready-made ciphertext, written without the field encrypting it again."""
    return Value(value, output_field=models.TextField())


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (default 500)."
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = 0
        for model, fields in encrypted_fields():
            count = self.rotate_model(model, fields, batch_size)
            names = ", ".join(f.name for f in fields)
            self.stdout.write(f"{model._meta.label} ({names}): {count} values re-encrypted")
            total += count
        self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted under the current key."))

    def rotate_model(self, model, fields, batch_size: int) -> int:
        manager = model._base_manager
        aliases = {f"_raw_{index}": field for index, field in enumerate(fields)}
        count, last_pk = 0, None
        while True:
            with transaction.atomic():
                rows = manager.order_by("pk").select_for_update()
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                rows = list(
                    rows.annotate(**{alias: _raw(f) for alias, f in aliases.items()}).values(
                        "pk", *aliases
                    )[:batch_size]
                )
                for row in rows:
                    changes = {}
                    for alias, field in aliases.items():
                        token = row[alias]
                        if token in (None, ""):
                            continue
                        try:
                            changes[field.attname] = _stored(crypto.reencrypt(token))
                        except InvalidToken as exc:
                            raise CommandError(
                                f"{model._meta.label} pk={row['pk']} {field.name}: {exc}"
                            ) from exc
                    if changes:
                        manager.filter(pk=row["pk"]).update(**changes)
                        count += len(changes)
            if len(rows) < batch_size:
                return count
            last_pk = rows[-1]["pk"]
