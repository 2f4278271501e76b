from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from core.reference import ReferenceTable, attach

from .models import OrgKind, OrgLevel, OrgUnit, User
from .scope_cache import prime

# The org units pages name, kept per process (`core.reference`).
UNITS = ReferenceTable("accounts.OrgUnit", "org-units")


def with_units(objects: Iterable, *fields: str) -> None:
    """Put on each object its units `fields` (foreign keys to OrgUnit) from `UNITS`, as
    `select_related` would, without joining the unit table into the objects' query."""
    attach(objects, UNITS, *fields)


def scope_path(unit: OrgUnit) -> str:
    """The path of the subtree whose matters users of `unit` see: the unit's own, except for
    a petition office, which does the petition work of its whole government's area (it must
    see the history of a petitioner who went to a lower level first)."""
    if unit.kind == OrgKind.PETITION_OFFICE and unit.parent_id is not None:
        return unit.parent_path
    return unit.path


def unit_in_scope(user: User, unit: OrgUnit) -> bool:
    """Whether `unit` is among `units_visible_to(user)`, decided without a query."""
    own = user.org_unit
    if own is None:
        return user.is_superuser
    return unit.path.startswith(scope_path(own))


# `scope_root_id` of a superuser without a unit: every unit's matters.
EVERY_UNIT = 0


def scope_root_id(user: User) -> int | None:
    """The unit at the top of the user's scope (its subtree is `units_visible_to`), read
    without a query (`scope_path`'s unit); `EVERY_UNIT` for a
    superuser without a unit, None for anyone else without one (nothing)."""
    if not user.is_authenticated:
        return None
    unit = user.org_unit
    if unit is None:
        return EVERY_UNIT if user.is_superuser else None
    # The last unit on the scope's path: `scope_path` says whose subtree it is.
    return int(scope_path(unit).rstrip("/").rsplit("/", 1)[-1])


def units_visible_to(user: User) -> QuerySet[OrgUnit]:
    """The units whose matters `user` may see: the subtree at their unit's scope path.

    Every list and detail page goes through this. A superuser without a unit sees all units;
    any other user without a unit sees none.
    """
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    prime(user)  # the unit from the shared cache, when there is one
    unit = user.org_unit
    if unit is None:
        return OrgUnit.objects.all() if user.is_superuser else OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=scope_path(unit))


def subtree_ids(unit: OrgUnit, *, using: str | None = None) -> list[int]:
    """The ids of `unit` and every unit below it, read once: filtering a large table by this
    list uses its unit index, where a join on the path leads the planner astray (it cannot
    know how many units a path prefix matches)."""
    return list(
        OrgUnit.objects.using(using).filter(path__startswith=unit.path).values_list("pk", flat=True)
    )


def unit_ancestor_ids(user: User) -> list[int]:
    """Ids of the user's unit and all units above it (an accusation against any of them
    must stay hidden from the user)."""
    unit = user.org_unit
    return unit.ancestor_ids if unit is not None else []


def org_unit_list(*, user: User) -> QuerySet[OrgUnit]:
    return units_visible_to(user).select_related("parent").order_by("path")


def district_ancestor(unit: OrgUnit) -> OrgUnit | None:
    """The district/county-level unit at or above `unit`, if any."""
    if unit.level == OrgLevel.DISTRICT:
        return unit
    return (
        OrgUnit.objects.filter(pk__in=unit.ancestor_ids, level=OrgLevel.DISTRICT)
        .order_by("-path")
        .first()
    )


def jurisdiction_path(unit: OrgUnit) -> str:
    """The path of the government whose area a unit serves: the unit itself if it is a
    government, else the government it belongs to (its parent)."""
    if unit.kind == OrgKind.GOVERNMENT or unit.parent_id is None:
        return unit.path
    return unit.parent_path


def jurisdiction_units(user: User) -> QuerySet[OrgUnit]:
    """Units in the area the user's unit serves: where the matters it receives may be located."""
    unit = user.org_unit
    if unit is None:
        return OrgUnit.objects.all() if user.is_superuser else OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=jurisdiction_path(unit))


def acted_unit_ids(user: User) -> list[int]:
    """The units `user` acts for: their own and, for a petition office, its government (the
    office does that government's petition work). The one statement of that rule;
    `users_acting_for` reads it the other way round."""
    unit = user.org_unit if user.is_authenticated else None
    if unit is None:
        return []
    if unit.kind == OrgKind.PETITION_OFFICE and unit.parent_id is not None:
        return [unit.pk, unit.parent_id]
    return [unit.pk]


def acts_for(user: User, unit: OrgUnit) -> bool:
    """Whether `user` acts for `unit` (`acted_unit_ids`), decided without a query."""
    return unit.pk in acted_unit_ids(user)


def acting_filter(user: User, *, field: str = "unit") -> Q:
    """Rows whose `field` is a unit `user` acts for (`acted_unit_ids`)."""
    return Q(**{f"{field}_id__in": acted_unit_ids(user)})


def users_acting_for(unit_ids: Iterable[int], *roles: str) -> dict[int, list[User]]:
    """Active users with one of `roles` who act for each unit (`acted_unit_ids` read the other
    way round), by unit id: one query for any number of units."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return {}
    users = (
        User.objects.filter(is_active=True, groups__name__in=roles)
        .filter(
            Q(org_unit__in=unit_ids)
            | Q(org_unit__kind=OrgKind.PETITION_OFFICE, org_unit__parent__in=unit_ids)
        )
        .select_related("org_unit")
        .distinct()
        .order_by("pk")
    )
    acting: dict[int, list[User]] = defaultdict(list)
    for user in users:
        for unit_id in acted_unit_ids(user):
            if unit_id in unit_ids:
                acting[unit_id].append(user)
    return acting


def government_id_of(unit: OrgUnit) -> int:
    """The government a unit belongs to: itself if a government, else its parent."""
    if unit.kind == OrgKind.GOVERNMENT or unit.parent_id is None:
        return unit.pk
    return unit.parent_id


def petition_office_for(unit: OrgUnit, *, not_within: OrgUnit | None = None) -> OrgUnit | None:
    """The petition office that receives the petitions about a matter located at `unit`: the
    unit itself if it is an active petition office, else the active petition office of the
    unit or of its nearest ancestor that has one (an office belongs to its government as its
    child). `not_within`: skip every office in that unit's subtree (an accusation against it
    goes to the nearest office it does not reach). None if no office qualifies. One query."""
    candidates = OrgUnit.objects.filter(kind=OrgKind.PETITION_OFFICE, is_active=True).filter(
        Q(pk=unit.pk) | Q(parent_id__in=unit.ancestor_ids)
    )
    # The unit itself first, then the office of the deepest ancestor; among siblings the first.
    ranked = sorted(
        candidates,
        key=lambda office: (office.pk != unit.pk, -len(office.path), office.pk),
    )
    for office in ranked:
        if not_within is None or not office.is_within(not_within):
            return office
    return None


def active_units() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(is_active=True).order_by("path")


# --- login security: API tokens and two-factor state ----------------------------------------


def api_tokens_live(*, user: User) -> QuerySet[AuthToken]:
    """The user's tokens that have not expired, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def backup_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def users_two_factor(*, q: str = "") -> QuerySet[User]:
    """Every user with `otp_enabled` (a confirmed authenticator) and `backup_codes_left`, their
    unit and roles (groups prefetched), by username; `q` filters on username or name."""
    codes = (
        StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
        .order_by()
        .values("device__user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    users = (
        User.objects.select_related("org_unit")
        .prefetch_related("groups")
        .annotate(
            otp_enabled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            backup_codes_left=Subquery(codes),
        )
        .order_by("username")
    )
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q)
        )
    return users
