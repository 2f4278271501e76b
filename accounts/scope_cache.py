"""A user's roles and unit, kept in the shared cache between their requests.

Every staff page asks who the user is (their role names) and where (their unit, for the
scope of what they may see): two queries per request, for data that changes only when an
administrator edits a user's groups or the org tree. With a shared cache
(`core.caching.shared`) both come from one cache read; any change of anyone's groups, of a
group or of an org unit drops every entry (`SCOPE`), and an entry for another unit than the
user's current one is never used. Without a shared cache they are read from the database.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import LazyObject, empty

from core import caching

from .models import OrgUnit, User

SCOPE = "user-scope"
TIMEOUT = 60 * 60
_PRIMED = "_scope_primed"


def _key(user: User) -> str:
    return f"user-scope:{user.pk}"


def read_roles(user: User) -> frozenset[str]:
    return frozenset(user.groups.values_list("name", flat=True))


def _unwrapped(user: User) -> User:
    """The user itself behind `request.user`'s lazy wrappers (authentication's, django-otp's):
    what `prime` marks and fills must be the object whose `roles` are then read."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def prime(user: User) -> None:
    """Give `user` its roles and unit from the cache (or store them there), once per
    request's user object; nothing without a shared cache."""
    user = _unwrapped(user)
    if user.__dict__.get(_PRIMED) or not caching.shared() or user.pk is None:
        return
    user.__dict__[_PRIMED] = True
    stamp_key = caching.stamp_key(SCOPE)
    found = cache.get_many([_key(user), stamp_key])
    stamp = found.get(stamp_key) or caching.stamp(SCOPE)
    entry = found.get(_key(user))
    if entry and entry["stamp"] == stamp and entry["unit_id"] == user.org_unit_id:
        user.__dict__.setdefault("roles", frozenset(entry["roles"]))
        if entry["unit"] is not None and "org_unit" not in user._state.fields_cache:
            user.org_unit = entry["unit"]
        return
    roles = user.__dict__.get("roles") or read_roles(user)
    user.__dict__["roles"] = roles
    unit = user.org_unit if user.org_unit_id else None
    cache.set(
        _key(user),
        {"stamp": stamp, "unit_id": user.org_unit_id, "unit": unit, "roles": sorted(roles)},
        TIMEOUT,
    )


def scopes_changed(*args, **kwargs) -> None:
    """Drop every cached scope (now, and again when the transaction commits)."""
    if caching.shared():
        caching.bump_around_commit(SCOPE)


def connect() -> None:
    m2m_changed.connect(scopes_changed, sender=User.groups.through, dispatch_uid="scope-groups")
    for signal in (post_save, post_delete):
        signal.connect(scopes_changed, sender=Group, dispatch_uid=f"scope-group-{id(signal)}")
        signal.connect(scopes_changed, sender=OrgUnit, dispatch_uid=f"scope-unit-{id(signal)}")
