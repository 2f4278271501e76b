"""What is recorded without anyone calling `record`: logins and logouts, role and permission
changes, account flags, admin changes. Connected in `AuditConfig.ready`."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_save, pre_save

from accounts.models import api_tokens_revoked, password_changed, two_factor_reset

from .models import AuditAction
from .services import ObjectRef, record

# Account flags whose changes are recorded with their old and new values.
ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")
ADMIN_ACTIONS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}
PAST = {"add": "added", "remove": "removed", "clear": "cleared"}


def on_login(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, request=request, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password in `credentials` by stars.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    record(AuditAction.LOGIN_FAILED, request=request, username=username)


def on_logout(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGOUT, request=request, actor=user)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record(
        AuditAction.LOCKOUT,
        request=request,
        username=str(username or ""),
        address=str(ip_address or ""),
    )


def on_password_changed(sender, user, **kwargs) -> None:
    record(AuditAction.PASSWORD_CHANGE, obj=user)


def on_two_factor_reset(sender, actor, user, **kwargs) -> None:
    record(AuditAction.TWO_FACTOR_RESET, actor=actor, obj=user)


def on_api_tokens_revoked(sender, user, count, reason, **kwargs) -> None:
    record(AuditAction.TOKEN_REVOKED, obj=user, count=count, reason=reason)


def _names(model, pks) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in rows)
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(str(user) for user in model.objects.filter(pk__in=pks))


def _related_names(instance, field: str) -> list[str]:
    manager = getattr(instance, field)
    return _names(manager.model, manager.values_list("pk", flat=True))


def _m2m_receiver(field: str, action: AuditAction):
    """A receiver for one many-to-many field: before and after on the forward side
    (`user.groups.add(...)`), the users or groups added or removed on the reverse side
    (`group.user_set.add(...)`)."""

    def receiver(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
        stage, _, verb = action.partition("_")
        if not reverse:
            if stage == "pre":
                instance._audit_m2m_before = {
                    **getattr(instance, "_audit_m2m_before", {}),
                    field: _related_names(instance, field),
                }
                return
            before = getattr(instance, "_audit_m2m_before", {}).pop(field, None)
            after = _related_names(instance, field)
            if before == after:
                return
            record(audit_action, obj=instance, field=field, before=before, after=after)
            if field == "groups":
                instance.__dict__.pop("roles", None)  # User.roles is a cached_property
            return
        if stage == "pre":
            if verb == "clear":
                # The reverse clear names no rows: note them before they go.
                instance._audit_m2m_cleared = _names(model, _reverse_pks(instance, sender, model))
            return
        changed = (
            getattr(instance, "_audit_m2m_cleared", [])
            if verb == "clear"
            else _names(model, pk_set or ())
        )
        if changed:
            record(audit_action, obj=instance, field=field, **{PAST[verb]: changed})

    audit_action = action
    return receiver


def _reverse_pks(instance, through, model) -> list:
    for related in through._meta.get_fields():
        if getattr(related, "related_model", None) is model:
            target = related.name
        elif getattr(related, "related_model", None) is type(instance):
            source = related.name
    return list(through.objects.filter(**{source: instance}).values_list(f"{target}_id", flat=True))


def on_user_pre_save(sender, instance, update_fields=None, **kwargs) -> None:
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS):
        return  # e.g. last_login on each login: no query
    old = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    if old is None:
        return
    changes = {
        flag: {"before": old[flag], "after": getattr(instance, flag)}
        for flag in ACCOUNT_FLAGS
        if old[flag] != getattr(instance, flag)
    }
    if changes:
        record(AuditAction.ACCOUNT_FLAG_CHANGE, obj=instance, **changes)


def on_user_created(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw and (instance.is_superuser or instance.is_staff):
        record(
            AuditAction.ACCOUNT_FLAG_CHANGE,
            obj=instance,
            created=True,
            **{flag: {"before": None, "after": getattr(instance, flag)} for flag in ACCOUNT_FLAGS},
        )


def on_admin_log_entry(sender, instance: LogEntry, created, raw=False, **kwargs) -> None:
    """An admin change (the admin writes a LogEntry for each add, change and single delete;
    a bulk delete is recorded by `audit.admin`)."""
    if not created or raw:
        return
    record(
        AuditAction.ADMIN_CHANGE,
        obj=ObjectRef(
            ContentType.objects.get_for_id(instance.content_type_id),
            instance.object_id,
            instance.object_repr,
        ),
        change=ADMIN_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
        message=instance.get_change_message(),
    )


def connect_receivers() -> None:
    User = get_user_model()
    user_logged_in.connect(on_login, dispatch_uid="audit_login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="audit_logout")
    m2m_changed.connect(
        _m2m_receiver("groups", AuditAction.ROLE_CHANGE),
        sender=User.groups.through,
        dispatch_uid="audit_user_groups",
        weak=False,
    )
    m2m_changed.connect(
        _m2m_receiver("user_permissions", AuditAction.PERMISSION_CHANGE),
        sender=User.user_permissions.through,
        dispatch_uid="audit_user_permissions",
        weak=False,
    )
    m2m_changed.connect(
        _m2m_receiver("permissions", AuditAction.PERMISSION_CHANGE),
        sender=Group.permissions.through,
        dispatch_uid="audit_group_permissions",
        weak=False,
    )
    pre_save.connect(on_user_pre_save, sender=User, dispatch_uid="audit_user_flags")
    post_save.connect(on_user_created, sender=User, dispatch_uid="audit_user_created")
    post_save.connect(on_admin_log_entry, sender=LogEntry, dispatch_uid="audit_admin_change")
    password_changed.connect(on_password_changed, dispatch_uid="audit_password_changed")
    two_factor_reset.connect(on_two_factor_reset, dispatch_uid="audit_two_factor_reset")
    api_tokens_revoked.connect(on_api_tokens_revoked, dispatch_uid="audit_api_tokens_revoked")


def connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="audit_lockout")


def grant_auditor_permissions(**kwargs) -> None:
    """The auditor (审计员) reads the audit trail: the view permission, and nothing else."""
    from django.contrib.auth.models import Group, Permission

    from accounts.roles import Role

    group = Group.objects.filter(name=Role.AUDITOR).first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="audit", codename="view_auditentry")
    )
