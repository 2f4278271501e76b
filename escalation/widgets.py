"""How the forms of escalation's and reception's pages look (reception is on the floor above):
Bootstrap's classes on their widgets, and the cursor in the first field. The small widgets of
the case pages are `core.forms.BootstrapFormMixin`'s."""

from __future__ import annotations

from django import forms


def _css(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"  # CheckboxSelectMultiple is a RadioSelect
    return "form-select" if isinstance(widget, forms.Select) else "form-control"


def bootstrap(form: forms.BaseForm) -> None:
    """Bootstrap's class on every widget the user sees."""
    for field in form.fields.values():
        if not isinstance(field.widget, forms.HiddenInput):
            field.widget.attrs["class"] = _css(field.widget)


def focus_first(form: forms.BaseForm, *, marked: bool = False) -> None:
    """The cursor in the form's first field (`marked`: marked for the page's script too)."""
    first = next(iter(form.fields.values()), None)
    if first is None:
        return
    if marked:
        first.widget.attrs["data-first"] = "true"
    first.widget.attrs["autofocus"] = True
