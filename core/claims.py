"""Claims: rows whose unique key says that something was done once (a reminder sent at a
stage, …). Inserting them is the claim; only the transaction whose insert won acts."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def insert_new(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    returning: str,
) -> list:
    """Insert `rows` (values in the order of `columns`, which must include the columns of the
    model's one unique constraint) and skip those whose key exists: the `returning` column of
    the rows this transaction inserted. PostgreSQL and SQLite (3.35+) both speak it."""
    if not rows:
        return []
    ops = connection.ops
    fields = {field.column: field for field in model._meta.concrete_fields}
    (constraint,) = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    columns_of = {field.name: str(field.column) for field in model._meta.concrete_fields}
    key = ", ".join(ops.quote_name(columns_of[name]) for name in constraint.fields)
    params: list = []
    for row in rows:
        params += [
            fields[column].get_db_prep_save(value, connection)
            for column, value in zip(columns, row, strict=True)
        ]
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        # The ORM cannot say "insert, skip the ones that exist, and tell me which it inserted".
        cursor.execute(
            f"INSERT INTO {ops.quote_name(model._meta.db_table)} "
            f"({', '.join(ops.quote_name(column) for column in columns)}) "
            f"VALUES {', '.join([placeholder] * len(rows))} "
            f"ON CONFLICT ({key}) DO NOTHING RETURNING {ops.quote_name(returning)}",
            params,
        )
        return [row[0] for row in cursor.fetchall()]
