"""The benches' database: a throwaway one on the configured server, its planner statistics,
and bulk loading."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model


@contextmanager
def throwaway_database(*, keepdb: bool = False, shared: bool = False) -> Iterator[str]:
    """A test database on the configured server (SQLite by default, PostgreSQL with
    DATABASE_URL) for the duration, destroyed afterwards unless `keepdb`; with `keepdb`, one
    kept by an earlier run is used again as it is. Yields its name. `shared`: other processes
    open it too (a server the bench starts), so on SQLite it is a file under VAR_DIR rather
    than in memory."""
    test_settings = connection.settings_dict.setdefault("TEST", {})
    old_test_name = test_settings.get("NAME")
    if shared and connection.vendor == "sqlite":
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        test_settings["NAME"] = str(Path(settings.VAR_DIR) / "bench.sqlite3")
    try:
        # Not serialized: that is for tests rolling back, and reads every row of a kept database.
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, keepdb=keepdb, serialize=False
        )
        try:
            yield connection.settings_dict["NAME"]
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keepdb)
    finally:
        test_settings["NAME"] = old_test_name


def default_scale() -> int:
    """How many rows a bench loads unless told: a million on PostgreSQL, 20,000 elsewhere."""
    return 1_000_000 if connection.vendor == "postgresql" else 20_000


def analyze() -> None:
    """Planner statistics and visibility maps of every table, as autovacuum leaves them
    after a bulk load (the unit tree's too: without them, its path filter is thought to
    match one unit of a thousand)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def load(model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Write the rows: COPY on PostgreSQL, bulk inserts elsewhere. Returns their number."""
    written = 0
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        statement = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    for batch in batched(rows, 2000):
        model.objects.bulk_create(model(**dict(zip(columns, row, strict=True))) for row in batch)
        written += len(batch)
    return written


def batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def reset_sequences(models: Iterable[type[Model]]) -> None:
    """After rows loaded with their ids: the next id of each model follows them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
