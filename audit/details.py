"""An audit entry's detail (a JSON object) in the auditor's words: the keys the trail writes
named in Chinese, role codes by their names, lists joined, nested changes as "旧 → 新"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy

from accounts.roles import Role

KEY_LABELS = {
    "after": gettext_lazy("after"),
    "before": gettext_lazy("before"),
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "cleared": gettext_lazy("cleared"),
    "field": gettext_lazy("field"),
    "count": gettext_lazy("count"),
    "reason": gettext_lazy("reason"),
    "via": gettext_lazy("through"),
    "keys": gettext_lazy("searched by"),
    "id_numbers": gettext_lazy("ID numbers shown"),
    "phones": gettext_lazy("phones shown"),
    "filename": gettext_lazy("file"),
    "query": gettext_lazy("query"),
    "content_type": gettext_lazy("content type"),
    "change": gettext_lazy("change"),
    "message": gettext_lazy("message"),
    "created": gettext_lazy("new account"),
    "filters": gettext_lazy("filters"),
    "ip_address": gettext_lazy("client address"),
    "is_active": gettext_lazy("active"),
    "is_staff": gettext_lazy("staff"),
    "is_superuser": gettext_lazy("superuser"),
}
ROLE_LABELS = dict(Role.choices)


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return str(ROLE_LABELS.get(value, value))
    if isinstance(value, list | tuple):
        return "、".join(_value(item) for item in value) or "—"
    if isinstance(value, dict):
        if set(value) == {"before", "after"}:
            return f"{_value(value['before'])} → {_value(value['after'])}"
        return "，".join(f"{_key(key)}：{_value(item)}" for key, item in sorted(value.items()))
    return str(value)


def _key(key: str) -> str:
    return str(KEY_LABELS.get(key, key))


def detail_text(detail: dict[str, Any]) -> str:
    """`detail` as one line, e.g. `字段：groups；变更前：—；变更后：领导`."""
    return "；".join(f"{_key(key)}：{_value(value)}" for key, value in sorted(detail.items()))
