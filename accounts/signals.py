from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate, post_save, pre_save
from django.dispatch import receiver

from . import crypto, twofactor


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


@receiver(user_logged_in)
def remember_two_factor_step(*, request, user, **kwargs):
    """A web login owes the code of the user's device, or an enrolment (accounts.twofactor)."""
    if request is not None:
        twofactor.remember_login(request, user)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_password_change(*, instance, raw, update_fields, **kwargs):
    """Mark a user whose password is about to change, by any path (set_password in the admin,
    a password form or a command, or a hash written directly)."""
    instance._password_changed = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    if getattr(instance, "_password", None) is not None:  # set_password() since the last save
        instance._password_changed = True
        return
    stored = (
        type(instance)._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    )
    instance._password_changed = stored.first() not in (None, instance.password)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_api_tokens_on_password_change(*, instance, raw, **kwargs):
    """A new password revokes every API token of the user, in the same transaction."""
    if raw or not getattr(instance, "_password_changed", False):
        return
    instance._password_changed = False
    from .token_services import api_tokens_revoke_all

    api_tokens_revoke_all(user=instance)
