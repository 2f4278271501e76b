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
