from django.contrib.auth.signals import user_logged_in
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from core import crypto

from . import twofactor
from .models import password_changed


@receiver(setting_changed)
def reset_crypto_keys(*, setting, **kwargs):
    if setting in {"FIELD_ENCRYPTION_KEYS", "FIELD_CIPHER", "FIELD_HASH_KEY", "FIELD_HASH"}:
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


@receiver(user_logged_in)
def stamp_session_start(*, request, **kwargs):
    """The session's login time, for its absolute and idle limits (SessionTimeoutMiddleware)."""
    if request is not None and hasattr(request, "session"):
        from .middleware import stamp_login

        stamp_login(request)


@receiver(post_migrate)
def grant_security_role_permissions(*, app_config, **kwargs):
    """The security administrator (安全管理员) sees the users and changes their roles and
    permissions, nothing else of them (`accounts.admin.UserAdmin` keeps the other fields
    read-only for this role); the system administrator no longer changes roles. They also see
    the login lockouts and failures (django-axes) and lift a lockout by deleting its records in
    the admin ("reset")."""
    from django.contrib.auth.models import Group, Permission

    from .roles import Role

    group = Group.objects.filter(name=Role.SECURITY).first()
    if group is None:
        return
    perms = (
        Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_user", "change_user"]
        )
        | Permission.objects.filter(
            content_type__app_label="auth", codename__in=["view_group", "view_permission"]
        )
        | Permission.objects.filter(
            content_type__app_label="axes",
            codename__in=[
                "view_accessattempt",
                "delete_accessattempt",
                "view_accessfailurelog",
                "view_accesslog",
            ],
        )
    )
    group.permissions.add(*perms)


@receiver(user_logged_in)
def remember_two_factor_step(*, request, user, **kwargs):
    """A web login owes the code of the user's device, or an enrolment (accounts.twofactor)."""
    if request is not None:
        twofactor.remember_login(request, user)


@receiver(password_changed)
def revoke_api_tokens_on_password_change(*, user, **kwargs):
    """A new password (by any path: User.save sends the signal) revokes every API token of
    the user, in the same transaction."""
    from .tokens.services import api_tokens_revoke_all

    api_tokens_revoke_all(user=user, reason="password_change")
