from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.pickers import unit_picker
from accounts.roles import Role
from accounts.selectors import units_visible_to
from cases.models import MatterKind
from cases.selectors import case_numbered
from core.forms import BootstrapFormMixin, MultipleFileField, UnitChoiceField
from core.identity import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from core.limits import LONG_TEXT

from .models import Category, Channel, PetitionerRole
from .selectors import category_list
from .services import PetitionDraft, PetitionerDraft


class PetitionForm(BootstrapFormMixin, forms.Form):
    """The intake form. Fields are in the order a clerk types them (the tab order)."""

    # Long lists the clerk picks from by typing part of a name (Tom Select on the page).
    # The units search the server as one types (`accounts.pickers`).
    searchable = ("category",)

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.VISIT)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        # Now by default: out of the tab order until the clerk chooses to change it.
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "tabindex": "-1", "data-received-at": ""},
            format="%Y-%m-%dT%H:%M",
        ),
    )
    receiving_unit = UnitChoiceField(label=_("Receiving unit"), queryset=OrgUnit.objects.none())
    matter_kind = forms.ChoiceField(
        label=_("Kind of matter"), choices=MatterKind.choices, initial=MatterKind.COMPLAINT
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    location_unit = UnitChoiceField(label=_("Matter location"), queryset=OrgUnit.objects.none())
    authority_unit = UnitChoiceField(
        label=_("Unit with authority"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Leave empty: the district/county of the matter's location."),
    )
    person_count = forms.IntegerField(
        label=_("Person count"), min_value=1, max_value=100000, initial=1
    )
    summary = forms.CharField(label=_("Summary"), max_length=200)
    content = forms.CharField(
        label=_("Content"), max_length=LONG_TEXT, required=False, widget=forms.Textarea({"rows": 4})
    )
    demands = forms.CharField(
        label=_("Demands"), max_length=5000, required=False, widget=forms.Textarea({"rows": 2})
    )
    accused_unit = UnitChoiceField(
        label=_("Accused unit"), queryset=OrgUnit.objects.none(), required=False
    )
    accused_person = forms.CharField(label=_("Accused person"), max_length=100, required=False)
    is_superior_assigned = forms.BooleanField(label=_("Assigned by a superior"), required=False)
    superior_reference = forms.CharField(
        label=_("Superior's reference"), max_length=60, required=False
    )
    case = forms.CharField(
        label=_("Attach to case"), max_length=40, required=False, widget=forms.HiddenInput
    )
    attachments = MultipleFileField(
        label=_("Attachments (PDF, JPEG, PNG, 10 MB each)"), required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
        self.user = user
        receiving = self.fields["receiving_unit"]
        if user.has_role(Role.RECEPTION):
            unit_picker(receiving, user=user, scope="visible_active")
        else:
            receiving.queryset = (
                units_visible_to(user).filter(is_active=True, pk=user.org_unit_id).order_by("path")
            )
        unit_picker(self.fields["location_unit"], user=user, scope="jurisdiction")
        unit_picker(self.fields["authority_unit"], user=user, scope="active")
        unit_picker(self.fields["accused_unit"], user=user, scope="active")
        # Leaf categories only: a sub-category, or a top category without any (其他).
        self.fields["category"].queryset = category_list().filter(children__isnull=True)
        if not self.is_bound:
            self.initial.setdefault("receiving_unit", user.org_unit_id)
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean_case(self):
        return case_numbered(self.user, self.cleaned_data["case"])

    def to_draft(self, petitioners: list[PetitionerDraft]) -> PetitionDraft:
        data = dict(self.cleaned_data)
        return PetitionDraft(petitioners=petitioners, **data)


class PetitionerForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, validators=[validate_id_number]
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, validators=[validate_phone]
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=PetitionerRole.choices, initial=PetitionerRole.PRINCIPAL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        return normalize_id_number(value) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return normalize_phone(value) if value else ""

    def to_draft(self) -> PetitionerDraft:
        data = {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}
        return PetitionerDraft(**data)


class BasePetitionerFormSet(forms.BaseFormSet):
    """Our own message when no petitioner is left (the service's, not Django's "submit at
    least 1 form")."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("Enter at least one petitioner."),
    }


PetitionerFormSet = forms.formset_factory(
    PetitionerForm,
    formset=BasePetitionerFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=200,
    absolute_max=200,
    can_delete=True,
)
