from django import forms
from django.utils.translation import gettext_lazy as _


class QueryForm(forms.Form):
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        help_text=_("The number printed on your receipt."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=32,
        help_text=_("The 8-character query code printed on your receipt."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
