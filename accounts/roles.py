from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are auth groups with these names, created by a data migration."""

    RECEPTION = "reception", _("Reception")
    HANDLER = "handler", _("Handler")
    LEADER = "leader", _("Leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    # 等保's three officers: the system administrator (ADMIN above) runs units, users, the
    # calendar and the rules; the security administrator manages roles and two-factor resets;
    # the auditor reads the audit trail and nothing of the petitions.
    SECURITY = "security", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


def manages_roles(user) -> bool:
    """Whether `user` may change users' roles (groups) and permissions: the security
    administrator's job, not the system administrator's (三员管理). A superuser, the installer's
    break-glass account, may too (Django's superuser bypasses every permission)."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.SECURITY)))


def manages_users(user) -> bool:
    """Whether `user` may change accounts themselves (names, unit, password, activity): the
    system administrator's job (or a superuser's)."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN)))


def role_label(group) -> str:
    """How a role's group reads on screen: the role's translated label (a group is named by
    its role's code name, which the code and the data migration use); another group, its
    name."""
    try:
        return str(Role(group.name).label)
    except ValueError:
        return group.name
