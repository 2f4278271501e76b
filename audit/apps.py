from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Security audit")

    def ready(self) -> None:
        from . import signals

        signals.connect_receivers()
        post_migrate.connect(signals.grant_auditor_permissions, dispatch_uid="audit_auditor_perms")
        # django-axes is added on another path; its lockouts are recorded once it is installed.
        if apps.is_installed("axes"):
            signals.connect_axes()
