"""API tokens moved from DRF's authtoken (the key stored in plain text, never expiring) to
django-rest-knox (a digest, an expiry). The old app is no longer installed, so its table would
stay behind with every old token readable in the database: drop it. Old tokens stop working
either way; their owners log in to the API again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_password_policy")]
    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop)
    ]
