from accounts.models import User
from accounts.roles import Role


def can_view_dashboards(user: User) -> bool:
    """Supervisors and leaders watch the dashboards (of their own area only)."""
    return user.is_authenticated and (
        user.is_superuser or user.has_role(Role.SUPERVISOR, Role.LEADER)
    )
