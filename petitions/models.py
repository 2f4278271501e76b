from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import OrgLevel, OrgUnit
from cases.models import Case, MatterKind
from core.fields import EncryptedTextField, KeyedHashField
from core.identity import (
    Sex,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    parse_resident_id,
)
from core.limits import LONG_TEXT


class Category(models.Model):
    """Petition content category (信访内容分类), a two-level tree."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


def normalize_query_code(code: str) -> str:
    """A query code as hashed: typed in either case, with stray spaces around it."""
    return code.strip().upper()


class Petitioner(models.Model):
    """A person who petitions (信访人), with their latest known contact details. ID number and
    phone are encrypted at rest and looked up by keyed hash; one row per ID number when an ID
    number is known. Each petition keeps its own copy of name and contacts (its parties)."""

    name = models.CharField(_("full name"), max_length=50, db_index=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = KeyedHashField(
        purpose="id_number",
        normalize=normalize_id_number,
        source="id_number",
        blank=True,
        db_index=True,
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = KeyedHashField(
        purpose="phone", normalize=normalize_phone, source="phone", blank=True, db_index=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="petitioner_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def birth_date(self):
        return parse_resident_id(self.id_number).birth_date if self.id_number else None

    @property
    def sex(self) -> str:
        if not self.id_number:
            return ""
        return _("Male") if parse_resident_id(self.id_number).sex == Sex.MALE else _("Female")


class Channel(models.TextChoices):
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    ONLINE = "online", _("Online")
    PHONE = "phone", pgettext_lazy("channel", "Phone call")


class ReceivedLevel(models.TextChoices):
    """The level of the body a petition was received at (进京, 赴省, 到市, 到区县及以下)."""

    NATIONAL = "national", pgettext_lazy("received at", "National")
    PROVINCE = "province", pgettext_lazy("received at", "Province")
    CITY = "city", pgettext_lazy("received at", "City")
    DISTRICT = "district", pgettext_lazy("received at", "District and below")

    @classmethod
    def of(cls, level: int) -> "ReceivedLevel":
        """The bucket of a receiving unit's `OrgLevel`."""
        return next(
            (bucket for bucket, exact in RECEIVED_LEVELS.items() if exact == level), cls.DISTRICT
        )

    @classmethod
    def condition(cls, value: str, prefix: str = "receiving_unit__") -> models.Q:
        """The filter on a petition's receiving unit for the level `value`."""
        if value == cls.DISTRICT:
            return models.Q(**{f"{prefix}level__gte": OrgLevel.DISTRICT})
        return models.Q(**{f"{prefix}level": RECEIVED_LEVELS[value]})


RECEIVED_LEVELS = {
    ReceivedLevel.NATIONAL: OrgLevel.NATIONAL,
    ReceivedLevel.PROVINCE: OrgLevel.PROVINCE,
    ReceivedLevel.CITY: OrgLevel.CITY,
}


class Petition(models.Model):
    """One received letter, visit, online submission or call (信访件)."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="petitions"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    receiving_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    location_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("matter location"), on_delete=models.PROTECT, related_name="+"
    )
    authority_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit with authority"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="petitions"
    )
    matter_kind = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices)
    accused_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("accused unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accused_person = models.CharField(_("accused person"), max_length=100, blank=True)
    person_count = models.PositiveIntegerField(
        _("person count"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    summary = models.CharField(_("summary"), max_length=200)
    content = models.TextField(_("content"), max_length=LONG_TEXT, blank=True)
    demands = models.TextField(_("demands"), max_length=5000, blank=True)
    is_group = models.BooleanField(_("group visit"), default=False)
    is_repeat = models.BooleanField(_("repeat petition"), default=False)
    is_skip_level = models.BooleanField(_("skip-level visit"), default=False)
    is_first_time = models.BooleanField(_("first-time petition"), default=False)
    is_superior_assigned = models.BooleanField(_("assigned by superior"), default=False)
    superior_reference = models.CharField(_("superior's reference"), max_length=60, blank=True)
    # The query code itself is never stored: this hash cannot be recomputed (no source).
    query_code_hash = KeyedHashField(
        purpose="query_code", normalize=normalize_query_code, editable=False
    )
    # None: the petitioner submitted it online (网上信访), no staff registered it.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    petitioners = models.ManyToManyField(
        Petitioner, through="PetitionPetitioner", related_name="petitions"
    )

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["receiving_unit", "-received_at"]),
            models.Index(fields=["location_unit"]),
        ]

    def __str__(self) -> str:
        return self.number


class PetitionerRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    REPRESENTATIVE = "representative", _("Representative")
    MEMBER = "member", _("Member")


class PetitionPetitioner(models.Model):
    """A person on a petition, with the name and contact details as given on that petition:
    the record of what was registered stays as it was when the person's details change."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PetitionerRole.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("full name"), max_length=50, db_index=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = KeyedHashField(
        purpose="phone", normalize=normalize_phone, source="phone", blank=True, db_index=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("petitioner of a petition")
        verbose_name_plural = _("petitioners of petitions")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "petitioner"], name="party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never uses the uploaded name, which may carry anything.
    petition = instance.petition
    return f"attachments/{petition.received_at:%Y/%m}/{petition.number}/{instance.stored_name}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    stored_name = models.CharField(max_length=80)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class NumberSequence(models.Model):
    """The last petition number issued per receiving unit and year; locked while numbering so
    that numbers are unique and gap-free (a rolled-back registration gives its number back)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_value}"
