"""Pure intake rules of DESIGN §2: group visits, the unit with authority, skip-level visits."""

from django.conf import settings

from accounts.models import OrgLevel, OrgUnit
from accounts.selectors import district_ancestor

from .models import Channel


def is_group(person_count: int) -> bool:
    """A petition by `GROUP_VISIT_THRESHOLD` (5) or more people is a group petition (集体访)."""
    return person_count >= settings.GROUP_VISIT_THRESHOLD


def default_authority_unit(location: OrgUnit) -> OrgUnit:
    """The unit with authority defaults to the district/county-level ancestor of the matter's
    location; a matter located above district level belongs to its own level."""
    if location.level <= OrgLevel.DISTRICT:
        return location
    return district_ancestor(location) or location


def is_skip_level(*, channel: str, receiving_unit: OrgUnit, authority_unit: OrgUnit) -> bool:
    """A visit received two or more levels above the unit with authority is skip-level (越级访);
    at that unit or its direct superior it is normal. Only visits can skip levels."""
    if channel != Channel.VISIT:
        return False
    return authority_unit.level - receiving_unit.level >= 2
