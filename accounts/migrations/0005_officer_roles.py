from django.db import migrations

OFFICER_ROLES = ["security", "auditor"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in OFFICER_ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=OFFICER_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_calendar_year")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
