"""Forms of the consultation page: record a level (with its task rows), escalate the latest
level, mark a task done. Field names are the API's (`level`, `date`, `units`, `attendees`,
`experts`, `analysis`, `decision`, `tasks` rows of `unit`, `task`, `due`; `reason`)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import unit_picker
from core.forms import (
    ActionForm,
    UnitChoiceField,
    UnitMultipleChoiceField,
    date_widget,
    textarea,
)
from core.limits import LONG_TEXT

from ..models import ConsultationLevel
from .services.meetings import TaskDraft

TASK_ROWS = 3


def first_typed(form: forms.Form, name: str) -> None:
    """Put the cursor in `name`, not in the hidden level before it."""
    for field in form.fields.values():
        field.widget.attrs.pop("data-first", None)
    form.fields[name].widget.attrs["data-first"] = "true"


class ConsultationForm(ActionForm):
    """The record of one level's meeting."""

    back_entry = False

    level = forms.TypedChoiceField(
        label=_("Level"), choices=ConsultationLevel.choices, coerce=int, widget=forms.HiddenInput
    )
    date = forms.DateField(label=_("Held on"), widget=date_widget())
    attendees = forms.CharField(
        label=_("People attending"), max_length=LONG_TEXT, widget=textarea(2)
    )
    experts = forms.CharField(
        label=_("Invited experts"),
        max_length=LONG_TEXT,
        required=False,
        widget=textarea(2),
        help_text=_("Required at level 3 (the hall directors' joint meeting)."),
    )
    analysis = forms.CharField(label=_("Analysis"), max_length=LONG_TEXT, widget=textarea(4))
    decision = forms.CharField(label=_("Decision"), max_length=LONG_TEXT, widget=textarea(3))

    def __init__(self, *args, level: int | None = None, **kwargs):
        self._level = level
        super().__init__(*args, **kwargs)
        first_typed(self, "date")

    def setup(self) -> None:
        # The units field first after the date: it is what the clerk picks right after it.
        fields = dict(self.fields)
        self.fields.clear()
        for name, field in fields.items():
            self.fields[name] = field
            if name == "date":
                self.fields["units"] = UnitMultipleChoiceField(
                    label=_("Units attending"), queryset=OrgUnit.objects.none()
                )
                unit_picker(self.fields["units"], user=self.user, scope="visible_active")
        if not self.is_bound:
            self.initial.setdefault("level", self._level)
            self.initial.setdefault("date", timezone.localdate())

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["held_on"] = data.pop("date")
        data["units"] = list(data["units"])
        return data


class TaskForm(forms.Form):
    """One task row: the unit, what it is to do, by when. An empty row is skipped."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
        self.fields["task"] = forms.CharField(label=_("Task"), max_length=LONG_TEXT)
        self.fields["due"] = forms.DateField(label=_("Due"), widget=date_widget())
        self.fields["unit"].widget.attrs["class"] = "form-select form-select-sm"
        unit_picker(self.fields["unit"], user=user, scope="visible_active")
        self.fields["task"].widget.attrs.update({"class": "form-control form-control-sm"})
        self.fields["due"].widget.attrs.update({"class": "form-control form-control-sm"})

    def draft(self) -> TaskDraft:
        data = self.cleaned_data
        return TaskDraft(unit=data["unit"], task=data["task"], due_on=data["due"])


class BaseTaskFormSet(forms.BaseFormSet):
    def drafts(self) -> list[TaskDraft]:
        return [form.draft() for form in self.forms if form.has_changed() and form.cleaned_data]


TaskFormSet = forms.formset_factory(
    TaskForm, formset=BaseTaskFormSet, extra=TASK_ROWS, max_num=50, absolute_max=50
)


def task_formset(data=None, *, user: User) -> BaseTaskFormSet:
    return TaskFormSet(data, prefix="tasks", form_kwargs={"user": user})


class EscalateForm(ActionForm):
    """Take the latest level one level up, with the reason."""

    level = forms.TypedChoiceField(
        label=_("Level"), choices=ConsultationLevel.choices, coerce=int, widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("Reason for escalating"), max_length=LONG_TEXT, widget=textarea(3)
    )

    def __init__(self, *args, level: int | None = None, **kwargs):
        self._level = level
        super().__init__(*args, **kwargs)
        first_typed(self, "reason")

    def setup(self) -> None:
        if not self.is_bound:
            self.initial.setdefault("level", self._level)
