"""Unit paths written with fixed-width ids (`accounts.models.path_segment`), so that ordering
by path is tree order with siblings by id (a tenth district after the ninth). Rewrites every
unit's path from its parent's, the root first; backwards, the plain ids again. The users'
units cached with their scope (`accounts.scope_cache`) hold the old paths: their stamp is
bumped, as a unit's save does."""

from django.db import migrations


def _rewrite(apps, segment) -> None:
    OrgUnit = apps.get_model("accounts", "OrgUnit")
    units = list(OrgUnit.objects.only("pk", "parent_id", "path"))
    children: dict[int | None, list] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    changed = []
    stack = [(unit, "/") for unit in children.get(None, [])]
    while stack:
        unit, above = stack.pop()
        path = f"{above}{segment(unit.pk)}/"
        if unit.path != path:
            unit.path = path
            changed.append(unit)
        stack.extend((child, path) for child in children.get(unit.pk, []))
    OrgUnit.objects.bulk_update(changed, ["path"], batch_size=1000)
    from core import caching

    if caching.shared():
        caching.bump_around_commit("user-scope")


def padded(apps, schema_editor) -> None:
    _rewrite(apps, lambda pk: f"{pk:08d}")


def plain(apps, schema_editor) -> None:
    _rewrite(apps, str)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_verbose_names")]

    operations = [migrations.RunPython(padded, plain)]
