"""Forms of the major and urgent matters' pages. Field names are the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import bootstrap, focus_first, textarea
from core.limits import LONG_TEXT

from ..models import Gravity


class FlagForm(forms.Form):
    gravity = forms.ChoiceField(label=_("Gravity"), choices=Gravity.choices)
    reason = forms.CharField(
        label=_("Why it is major or urgent"),
        max_length=LONG_TEXT,
        widget=textarea(3),
        help_text=_("e.g. a group of more than 50 people gathering; a threat to life."),
    )
    content = forms.CharField(
        label=_("Draft of the report"),
        max_length=LONG_TEXT,
        required=False,
        widget=textarea(6),
        help_text=_("Optional now: the report is sent from its page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        focus_first(self)


class ContentForm(forms.Form):
    content = forms.CharField(label=_("Report text"), max_length=LONG_TEXT, widget=textarea(6))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
