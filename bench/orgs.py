"""Units and users of the benches' org trees, and the small city two of them share."""

from __future__ import annotations

from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import Group

from accounts.models import OrgKind, OrgLevel, OrgUnit, User

# Every bench user's password, so that the benches over HTTP can log in by the login form.
PASSWORD = "bench-pass-2026"


def unit(
    code: str,
    name: str,
    level: str,
    kind: str = OrgKind.GOVERNMENT,
    parent: OrgUnit | None = None,
) -> OrgUnit:
    return OrgUnit.objects.create(code=code, name=name, level=level, kind=kind, parent=parent)


def user(username: str, org_unit: OrgUnit, *roles: str) -> User:
    """A user of `org_unit` with these roles and the password `PASSWORD`, hashed with MD5
    (which the bench's gunicorn puts first, bench.wsgi), so that logging
    in costs next to nothing; stored as it is, not as a password change."""
    created = User.objects.create_user(username, org_unit=org_unit)
    give_password(username)
    created.refresh_from_db(fields=["password"])
    created.groups.add(*Group.objects.filter(name__in=roles))
    return created


def give_password(*usernames: str) -> int:
    """Set these users' password to `PASSWORD`, MD5-hashed (e.g. the users of a database
    kept by a run from before they had one). Returns how many users were changed."""
    hasher = MD5PasswordHasher()
    return User.objects.filter(username__in=usernames).update(
        password=hasher.encode(PASSWORD, hasher.salt())
    )


def bench_city() -> tuple[OrgUnit, OrgUnit]:
    """基准市 (`BENCH`) and its petition office (`BENCHXFJ`)."""
    city = unit("BENCH", "基准市", OrgLevel.CITY)
    office = unit("BENCHXFJ", "基准市信访局", OrgLevel.CITY, OrgKind.PETITION_OFFICE, city)
    return city, office
