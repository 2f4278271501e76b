"""The widget styling shared by the record, field visit and numbers forms (each feature
keeps its forms in its own `forms.py`)."""

from __future__ import annotations

from django import forms


def bootstrap(form: forms.Form, *, focus: bool = True) -> None:
    """Bootstrap classes on every widget; the first field gets the cursor."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"
    first = next(iter(form.fields.values()), None)
    if first is not None and focus:
        first.widget.attrs["data-first"] = "true"
        first.widget.attrs["autofocus"] = True
