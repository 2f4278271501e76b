"""Form of the numbers page: the date range."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import bootstrap, date_widget


class NumbersForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=date_widget())
    end = forms.DateField(label=_("Until"), widget=date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end cannot be before the start."))
            elif (end - start).days > 3660:
                self.add_error("end", _("Choose at most ten years."))
        return data
