import pytest

from tests.factories import UserFactory

ADMIN_PAGES = [
    "accounts/orgunit",
    "accounts/user",
    "accounts/calendarday",
    "petitions/category",
    "cases/deadlinerule",
]


@pytest.fixture
def admin_user(org):
    return UserFactory(
        username="root", org_unit=org.city, is_staff=True, is_superuser=True, roles=["admin"]
    )


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_admin_lists_and_add_forms_render(client, admin_user, page):
    client.force_login(admin_user)
    assert client.get(f"/admin/{page}/").status_code == 200
    assert client.get(f"/admin/{page}/add/").status_code == 200


def test_admin_role_may_manage_org_units_without_being_superuser(client, org):
    manager = UserFactory(username="orgadmin", org_unit=org.city, is_staff=True, roles=["admin"])
    client.force_login(manager)
    assert client.get("/admin/accounts/orgunit/").status_code == 200
    assert client.get("/admin/petitions/category/").status_code == 200
    # Petition data is not an admin's business in the Django admin.
    assert client.get("/admin/petitions/petition/").status_code == 404


def test_moving_a_unit_moves_its_subtree(org):
    org.d1.parent = org.other_city
    org.d1.save()
    org.d1_community.refresh_from_db()
    assert org.d1_community.path.startswith(org.other_city.path)
    assert org.d1_community.is_within(org.other_city)


def test_a_unit_cannot_be_placed_under_its_own_subtree(org):
    from django.core.exceptions import ValidationError

    org.d1.parent = org.d1_community
    with pytest.raises(ValidationError) as info:
        org.d1.full_clean()
    assert "parent" in info.value.message_dict


def test_the_admin_edits_a_units_abbreviation_and_is_told_of_a_duplicate(client, admin_user, org):
    client.force_login(admin_user)
    url = f"/admin/accounts/orgunit/{org.d1_office.pk}/change/"
    form = {
        "code": "D1XFJ",
        "name": "东湖区信访局",
        "parent": org.d1.pk,
        "level": org.d1_office.level,
        "kind": org.d1_office.kind,
        "is_active": "on",
    }
    assert 'name="doc_abbreviation"' in client.get(url).content.decode()
    assert client.post(url, {**form, "doc_abbreviation": "东信访"}).status_code == 302
    org.d1_office.refresh_from_db()
    assert org.d1_office.doc_abbreviation == "东信访"

    org.d2_office.doc_abbreviation = "西信访"
    org.d2_office.save()
    response = client.post(url, {**form, "doc_abbreviation": "西信访"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert list(errors) == ["doc_abbreviation"]
    assert [error.code for error in errors["doc_abbreviation"]] == ["taken"]
    org.d1_office.refresh_from_db()
    assert org.d1_office.doc_abbreviation == "东信访"


def test_the_tree_orders_a_tenth_unit_after_the_ninth(org):
    """Paths write ids at a fixed width: by path, unit 10 comes after unit 9 (as text "/10/"
    came before "/9/"), and the parent before both."""
    from accounts.models import OrgKind, OrgLevel, OrgUnit

    made = [
        OrgUnit.objects.create(
            pk=pk,
            code=f"X{pk}",
            name=f"第{pk}区",
            parent=org.city,
            level=OrgLevel.DISTRICT,
            kind=OrgKind.GOVERNMENT,
        )
        for pk in (100010, 100009)
    ]
    assert made[0].path == f"{org.city.path}00100010/"
    ordered = list(OrgUnit.objects.filter(path__startswith=org.city.path, code__startswith="X"))
    assert [unit.pk for unit in ordered] == [100009, 100010]
    assert made[0].ancestor_ids == [*org.city.ancestor_ids, 100010]
    assert made[0].parent_path == org.city.path


def test_the_migration_pads_the_paths_and_back(org):
    """`accounts/0011` rewrites every path from the root down; backwards, plain ids."""
    import importlib

    from django.apps import apps

    from accounts.models import OrgUnit

    migration = importlib.import_module("accounts.migrations.0011_padded_unit_paths")
    migration.plain(apps, None)
    org.d1_community.refresh_from_db()
    assert org.d1_community.path == "/" + "/".join(map(str, org.d1_community.ancestor_ids)) + "/"
    migration.padded(apps, None)
    assert {unit.path for unit in OrgUnit.objects.all()} == {
        "/" + "".join(f"{pk:08d}/" for pk in unit.ancestor_ids) for unit in OrgUnit.objects.all()
    }
