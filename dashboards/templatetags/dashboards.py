from django import template

from ..indicators import percent

register = template.Library()


register.filter("percent", percent)


@register.filter
def change(value: float | None) -> str:
    """A change as a signed percentage: +12.5%, −3.0%, 0.0%; None → "—"."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value) * 100:.1f}%"


@register.filter
def change_class(value: float | None) -> str:
    if not value:
        return "text-secondary"
    return "text-danger" if value > 0 else "text-success"


@register.filter
def item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
