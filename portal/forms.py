from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import EvaluationResult
from core.forms import MultipleFileField
from core.identity import (
    normalize_id_number,
    normalize_mobile,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from core.limits import LONG_TEXT
from petitions.models import Category
from petitions.services import ONLINE_MAX_ATTACHMENTS

from .phone import code_error, code_used, phone_from_token
from .selectors import public_categories, public_unit
from .submit import Representative, Submission

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
        return normalize_mobile(self.cleaned_data["phone"])


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


# --- submitting a petition online (three steps: the phone, its code, then the petition) -------


class CaptchaInput(CaptchaTextInput):
    """The picture puzzle's widget, its picture described in the page's language."""

    template_name = "portal/captcha_widget.html"


def _captcha() -> CaptchaField:
    return CaptchaField(
        widget=CaptchaInput(),
        label=_("Characters in the picture"),
        help_text=_("Type the characters you see in the picture; letters in either case."),
        error_messages={"invalid": _("The characters do not match the picture: try again.")},
    )


class PortalForm(forms.Form):
    """The portal's big inputs on every widget, each described by its help text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(field, CaptchaField):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{css} portal-input"
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-help"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class PhoneForm(PortalForm):
    """Step 1: the mobile number the code goes to, behind the picture puzzle."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        help_text=_("A text message with a 6-digit code will be sent to it."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    captcha = _captcha()

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])


def _unit_field(label, help_text, *, required: bool = True) -> forms.CharField:
    # A text box without JavaScript (the name or the code); the picker with it.
    return forms.CharField(
        label=label,
        max_length=100,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"data-unit-search": "true", "autocomplete": "off"}),
    )


class CodeForm(PortalForm):
    """Step 2: the code texted to the phone (the phone carried along, hidden)."""

    phone = forms.CharField(max_length=30, widget=forms.HiddenInput)
    sms_code = forms.CharField(
        label=_("Code from the text message"),
        max_length=6,
        help_text=_("The 6 digits we sent to your phone."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if "phone" in data and "sms_code" in data:
            error = code_error(data["phone"], data["sms_code"].strip())
            if error:
                self.add_error("sms_code", error)
            else:
                code_used(data["phone"])
        return data


class SubmitForm(PortalForm):
    """Step 3: the petition itself, for the phone verified in step 2 (the signed proof
    hidden; no code and no time limit that matters to a writer), and the picture puzzle
    again. Without phone verification the phone is typed here."""

    phone = forms.CharField(label=_("Mobile number"), max_length=30, required=False)
    phone_token = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=18,
        help_text=_("Your resident ID number, 18 characters."),
        validators=[validate_id_number],
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    location_unit = _unit_field(
        _("Where the matter is"),
        _("Type the name of the district, street or village (or its code) and pick it."),
    )
    category = forms.ModelChoiceField(
        label=_("Kind of matter"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    summary = forms.CharField(
        label=_("In one sentence"),
        max_length=200,
        help_text=_("What the matter is about, in one sentence."),
    )
    content = forms.CharField(
        label=_("What happened"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    demands = forms.CharField(
        label=_("What you ask for (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accused_unit = _unit_field(
        _("The body you accuse (only for an accusation)"),
        _(
            "Leave empty unless you report wrongdoing by a public body; that body will not "
            "see your petition."
        ),
        required=False,
    )
    person_count = forms.IntegerField(
        label=_("How many people petition together"),
        min_value=1,
        max_value=100000,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    representative_name = forms.CharField(
        label=_("Representative's name (optional)"), max_length=50, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Representative's ID number"),
        max_length=18,
        required=False,
        validators=[validate_id_number],
    )
    representative_phone = forms.CharField(
        label=_("Representative's phone"),
        max_length=30,
        required=False,
        validators=[validate_phone],
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to 5 files: PDF, JPEG or PNG, each at most 10 MB."),
    )
    captcha = _captcha()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = public_categories()
        self.fields["category"].label_from_instance = str
        # Typed here only while phone verification is off; else proven by the token.
        self.verify = settings.PUBLIC_PHONE_VERIFICATION
        self.fields["phone"].required = not self.verify
        self.candidates: dict[str, list] = {}

    def clean_phone(self) -> str:
        if self.verify:
            return ""
        return normalize_mobile(self.cleaned_data["phone"])

    def clean_phone_token(self) -> str:
        if not self.verify:
            return ""
        phone = phone_from_token(self.cleaned_data["phone_token"])
        if phone is None:
            raise forms.ValidationError(
                _(
                    "The check of your mobile number has run out: verify it again. What you "
                    "wrote is kept below; copy it before you go."
                )
            )
        self.cleaned_data["phone"] = phone
        return self.cleaned_data["phone_token"]

    @property
    def verified_phone(self) -> str:
        """The phone shown above the form: the one the token proves, if it does."""
        token = self.data.get("phone_token") or self.initial.get("phone_token") or ""
        return phone_from_token(token) or ""

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data["id_number"])

    def _unit(self, name: str):
        text = self.cleaned_data[name].strip()
        if not text:
            return None
        unit, candidates = public_unit(text)
        if unit is not None:
            return unit
        self.candidates[name] = candidates
        if candidates:
            raise forms.ValidationError(
                _("Several places match: pick one below, or type its code.")
            )
        raise forms.ValidationError(_("No place or body of that name: check the spelling."))

    def clean_location_unit(self):
        return self._unit("location_unit")

    def clean_accused_unit(self):
        return self._unit("accused_unit")

    def clean_attachments(self) -> list:
        files = self.cleaned_data["attachments"]
        if len(files) > ONLINE_MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(count)d attachments.") % {"count": ONLINE_MAX_ATTACHMENTS}
            )
        return files

    def clean(self):
        data = super().clean()
        has_representative = any(
            data.get(f"representative_{part}") for part in ("name", "id_number", "phone")
        )
        if has_representative and not data.get("representative_name"):
            self.add_error("representative_name", _("Enter the representative's name."))
        return data

    def to_submission(self) -> Submission:
        data = self.cleaned_data
        representative = None
        if data.get("representative_name"):
            phone = data["representative_phone"]
            representative = Representative(
                name=data["representative_name"],
                id_number=normalize_id_number(data["representative_id_number"]),
                phone=normalize_phone(phone) if phone else "",
            )
        return Submission(
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            phone_verified=self.verify,
            address=data["address"],
            location_unit=data["location_unit"],
            category=data["category"],
            summary=data["summary"],
            content=data["content"],
            demands=data["demands"],
            person_count=data["person_count"],
            representative=representative,
            accused_unit=data["accused_unit"],
            attachments=data["attachments"],
        )
