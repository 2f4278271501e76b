"""PostgreSQL connections bind parameters on the server, so that a query run a sixth time on
the same connection is a prepared statement (planned once); off by PG_SERVER_SIDE_BINDING=false."""

from django.db import connection

import config.settings
from accounts.models import OrgUnit


def test_the_postgresql_options_turn_prepared_statements_on_or_off(monkeypatch):
    monkeypatch.setattr(config.settings, "PG_SERVER_SIDE_BINDING", True)
    database = {"ENGINE": "django.db.backends.postgresql"}
    config.settings._planner_costs(database)
    assert database["OPTIONS"]["server_side_binding"] is True
    assert database["OPTIONS"]["prepare_threshold"] == 5
    monkeypatch.setattr(config.settings, "PG_SERVER_SIDE_BINDING", False)
    database = {"ENGINE": "django.db.backends.postgresql"}
    config.settings._planner_costs(database)
    assert "server_side_binding" not in database["OPTIONS"]
    sqlite = {"ENGINE": "django.db.backends.sqlite3"}
    config.settings._planner_costs(sqlite)
    assert "OPTIONS" not in sqlite


def test_a_query_run_a_sixth_time_is_prepared(postgres_only, org):
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for code in ("D1", "D2", "D1S1", "D1XFJ", "D2XFJ", "D2S1"):
        OrgUnit.objects.filter(code=code).values_list("name", flat=True).first()
    statements = [s for s in prepared() if '"accounts_orgunit"."code" = $1' in s]
    assert len(statements) == 1  # one plan for every code
