"""Form pieces every app's pages share: date and text widgets, unit and user pickers, several
files in one input, and the base of every action form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = {"type": "date"}


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def unit_label(unit: Any) -> str:
    """A unit as its pickers show it: its name and, in full-width brackets, its code."""
    return f"{unit.name}（{unit.code}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Any) -> str:
        return unit_label(unit)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: Any) -> str:
        return unit_label(unit)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: Any) -> str:
        unit = user.org_unit.name if user.org_unit_id else ""
        return f"{user.display_name}（{unit}）"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def single_file_field(label) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class BootstrapFormMixin:
    """Gives every widget its Bootstrap class, and marks the `searchable` selects."""

    searchable: tuple[str, ...] = ()
    fields: dict[str, forms.Field]  # the form's, once mixed into one

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = css
        for name in self.searchable:
            self.fields[name].widget.attrs["data-search"] = "true"


class ActionForm(BootstrapFormMixin, forms.Form):
    """An action on an object (a case, in every form today): Bootstrap classes on every
    widget, the optional back-entry date last, and the mapping onto the service's keyword
    arguments."""

    # Long lists the user picks from by typing (Tom Select on the page).
    searchable: tuple[str, ...] = ()
    # Whether the form offers the back-entry date (补录).
    back_entry = True

    def __init__(self, *args, case: Any = None, user: Any = None, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        if self.back_entry:
            self.fields["date"] = forms.DateField(
                label=_("Back-entry date"),
                required=False,
                widget=date_widget(),
                help_text=_("The day it happened, if earlier than today (paper records)."),
            )
        self.setup()
        self.style_widgets()
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.widget.attrs["data-first"] = "true"

    def setup(self) -> None:
        """Narrow querysets and set initial values for the case at hand."""

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if self.back_entry:
            data["on"] = data.pop("date")
        return data


# --- the larger widgets of the escalation and reception pages -----------------------------------


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
