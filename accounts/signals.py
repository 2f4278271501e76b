from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import crypto


@receiver(setting_changed)
def reset_crypto_keys(*, setting, **kwargs):
    if setting in {"FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"}:
        crypto.reset_keys()


@receiver(post_migrate)
def grant_admin_role_permissions(*, app_config, **kwargs):
    """The admin role manages org units, users, categories, the calendar and deadline rules.

    Permissions exist only after post_migrate, so they are granted here rather than in the
    migration that creates the group.
    """
    # Each app's permissions appear in its own post_migrate, so this runs (idempotently)
    # after every app's.
    from django.contrib.auth.models import Group, Permission

    from .roles import Role

    group = Group.objects.filter(name=Role.ADMIN).first()
    if group is None:
        return
    managed = {
        "accounts": ["orgunit", "user", "calendarday"],
        "petitions": ["category"],
        "cases": ["deadlinerule"],
        "auth": ["group"],
    }
    for app_label, models in managed.items():
        perms = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
        if app_label == "auth":
            perms = perms.filter(codename__startswith="view_")
        group.permissions.add(*perms)


@receiver(post_migrate)
def grant_security_role_permissions(*, app_config, **kwargs):
    """The security administrator (安全管理员) sees the users and changes their roles and
    permissions, nothing else of them (`accounts.admin.UserAdmin` keeps the other fields
    read-only for this role); the system administrator no longer changes roles."""
    from django.contrib.auth.models import Group, Permission

    from .roles import Role

    group = Group.objects.filter(name=Role.SECURITY).first()
    if group is None:
        return
    perms = Permission.objects.filter(
        content_type__app_label="accounts", codename__in=["view_user", "change_user"]
    ) | Permission.objects.filter(
        content_type__app_label="auth", codename__in=["view_group", "view_permission"]
    )
    group.permissions.add(*perms)
