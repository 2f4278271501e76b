from django.db import migrations

# Covering indexes (PostgreSQL's INCLUDE; SQLite, for development, does without them): the
# hot issues and the unit ranking are read from the index alone, one range of days per unit.
INDEXES = {
    "daily_category_stat_covering": (
        "dashboards_dailycategorystat (unit_id, day, category_id) INCLUDE (batches, persons)"
    ),
    "daily_stat_ranking": (
        "dashboards_dailystat (unit_id, day) "
        "INCLUDE (answered, answered_on_time, evaluated, satisfied)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
