from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import EvaluationResult
from core.identity import mobile_or_none
from core.limits import LONG_TEXT

# Copied from the printed receipt: no suggestions, capitals, no spelling marks.
RECEIPT_TEXT = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class QueryForm(forms.Form):
    number = forms.CharField(
        label=_("Number"),
        max_length=40,
        help_text=_("The number printed on your receipt."),
        widget=forms.TextInput(attrs=RECEIPT_TEXT),
    )
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=32,
        help_text=_("The 8-character query code printed on your receipt."),
        widget=forms.TextInput(attrs=RECEIPT_TEXT),
    )


class LostCodeForm(forms.Form):
    """A new query code by text message: the number, and the mobile given at registration."""

    number = QueryForm.base_fields["number"]
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        help_text=_("The mobile number you gave when the petition was registered."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self):
        phone = mobile_or_none(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(
                _("Enter a mobile number (11 digits): text messages cannot go to a landline.")
            )
        return phone


class EvaluateForm(QueryForm):
    """The rating on the matter page: the number and code again (hidden), the result, a comment."""

    number = forms.CharField(max_length=40, widget=forms.HiddenInput)
    query_code = forms.CharField(max_length=32, widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=EvaluationResult.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewRequestForm(QueryForm):
    """The review request on the matter page: the number and code again (hidden), the request."""

    number = forms.CharField(max_length=40, widget=forms.HiddenInput)
    query_code = forms.CharField(max_length=32, widget=forms.HiddenInput)
    request = forms.CharField(
        label=_("What should be reviewed, and why?"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
