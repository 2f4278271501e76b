"""Who may read the audit trail and who is kept out of the petition work (三员管理).

The auditor (审计员) reads the audit trail and nothing of the petitions; nobody else reads the
audit trail, a superuser included (the installer's break-glass account gets the auditor role
if it must read it, and that role change is itself recorded)."""

from __future__ import annotations

from accounts.roles import Role

# Pages of the petition work, closed to an auditor (the API is closed by
# `audit.permissions.NotAuditor`).
PETITION_WORK_PREFIXES = (
    "/petitions/",
    "/cases/",
    "/escalation/",
    "/reception/",
    "/ledgers/",
    "/dashboards/",
    "/notifications/",
)


def can_read_audit_trail(user) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.AUDITOR))


def refused_petition_work(user) -> bool:
    """An auditor sees nothing of the petitions, whatever other role or unit the account has
    (a superuser, the installer's break-glass account, is not refused)."""
    return bool(user.is_authenticated and not user.is_superuser and user.has_role(Role.AUDITOR))
