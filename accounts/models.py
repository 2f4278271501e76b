from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class OrgLevel(models.IntegerChoices):
    """Administrative level; a smaller number is a higher level."""

    NATIONAL = 0, _("National")
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    DISTRICT = 3, _("District/county")
    TOWNSHIP = 4, _("Township/street")
    VILLAGE = 5, _("Village/community")


class OrgKind(models.TextChoices):
    PETITION_OFFICE = "petition_office", _("Petition office")
    BUSINESS = "business", _("Business department")
    STABILITY = "stability", _("Stability office")
    JUDICIAL = "judicial", _("Judicial/procuratorate")
    DISCIPLINE = "discipline", _("Discipline inspection")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


unit_code_validator = RegexValidator(
    r"^[A-Z0-9]{2,20}$", _("Use 2 to 20 capital letters or digits.")
)


doc_abbreviation_validator = RegexValidator(
    r"^[^\s〔〕\[\]()（）0-9]+$",
    _("Enter the abbreviation alone (e.g. 清信访), without spaces, brackets or digits."),
)


# What a government's area name ends with, and what its full name adds (村 gives 村民委员会:
# 红星村 → 红星村民委员会).
GOVERNMENT_SUFFIXES = (
    ("街道", "办事处"),
    ("社区", "居民委员会"),
    ("村", "民委员会"),
    ("省", "人民政府"),
    ("自治区", "人民政府"),
    ("市", "人民政府"),
    ("区", "人民政府"),
    ("县", "人民政府"),
    ("旗", "人民政府"),
    ("州", "人民政府"),
    ("盟", "行政公署"),
    ("镇", "人民政府"),
    ("乡", "人民政府"),
)
FULL_NAME_ENDINGS = ("人民政府", "办事处", "委员会", "行政公署", "管委会", "管理委员会")


def path_segment(pk: int) -> str:
    """A unit's id as its path writes it: fixed width, so that text order is number order."""
    return f"{pk:08d}"


class OrgUnit(models.Model):
    """A body in the unit tree (机构). `path` holds the ids from the root, each written with
    `path_segment` (eight digits, e.g. `/00000001/00000005/00000023/`), so that ordering by
    path lists a parent before its children and siblings in the order they were made (a
    tenth district after the ninth, not between the first and the second)."""

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=OrgLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    # 机关代字 (GB/T 9704-2012 7.2.4): what the unit's document numbers start with.
    doc_abbreviation = models.CharField(
        _("document abbreviation"),
        max_length=20,
        blank=True,
        validators=[doc_abbreviation_validator],
        help_text=_(
            "The unit's abbreviation in its document numbers (机关代字), e.g. 清信访 for "
            "清信访督〔2026〕2号; no two units share one. Empty: the numbers start with the "
            "unit's name."
        ),
    )

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]
        constraints = [
            # Document numbers are unique: two units may not number under one abbreviation.
            models.UniqueConstraint(
                fields=["doc_abbreviation"],
                condition=~models.Q(doc_abbreviation=""),
                name="orgunit_doc_abbreviation_unique",
                violation_error_message=_("Another unit already uses this abbreviation."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent else '/'}{path_segment(self.pk)}/"
        if new_path != old_path:
            self.path = new_path
            OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                self._move_descendants(old_path)
                unit_moved.send(sender=OrgUnit, unit=self)

    def _move_descendants(self, old_path: str) -> None:
        OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
            path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
        )

    def clean(self) -> None:
        if self.parent and self.pk and self.parent.is_within(self):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        taken = OrgUnit.objects.filter(doc_abbreviation=self.doc_abbreviation).exclude(pk=self.pk)
        if self.doc_abbreviation and taken.exists():
            message = _("Another unit already uses this abbreviation.")
            raise ValidationError({"doc_abbreviation": ValidationError(message, code="taken")})

    @property
    def official_name(self) -> str:
        """The name the unit signs its documents with (GB/T 9704-2012 7.3.5: the issuing
        unit's full name): a government is stored by its area (江州市, 升平街道, 红星村) and
        signs as 江州市人民政府, 升平街道办事处, 红星村民委员会; any other unit, or a name
        that is no area, as it is stored."""
        name = self.name
        if self.kind != OrgKind.GOVERNMENT or name.endswith(FULL_NAME_ENDINGS):
            return name
        for ending, suffix in GOVERNMENT_SUFFIXES:
            if name.endswith(ending):
                return f"{name}{suffix}"
        return name

    @property
    def parent_path(self) -> str:
        """The parent's path, read off this unit's own path (no query)."""
        return self.path[: self.path.rstrip("/").rfind("/") + 1]

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this unit."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit is `other` or lies in its subtree."""
        return self.path.startswith(other.path)


# Sent with `unit` after it moved in the tree (its subtree's paths rewritten), e.g. for the
# units that see each case (`cases.services.reach`).
unit_moved = Signal()

# Sent with `user` after every password change (User.save), e.g. to revoke the user's API
# tokens. The user's other sessions end by themselves (their session hash no longer matches).
password_changed = Signal()
# Sent with `actor` and `user` when the security administrator resets a user's two-step
# verification (accounts.twofactor.services.otp_reset), inside its transaction.
two_factor_reset = Signal()
# Sent with `user`, `count` and `reason` ("logout", "logout_all", "revoke", "password_change",
# "two_factor_reset") when API tokens are revoked, inside the revoking transaction.
api_tokens_revoked = Signal()


class DocumentSequence(models.Model):
    """The last number issued per issuing unit, series and year (江信访督〔2026〕12号, the
    reply 江信访〔2026〕5号): locked while numbering (`accounts.numbering`), so numbers are
    unique and gap-free and a rolled-back issue gives its number back. (Until escalation
    0003 this table lived in escalation; the reply numbers of `cases` need it too.)"""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    series = models.CharField(_("series"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "series", "year"], name="accounts_document_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.series}/{self.year}: {self.last_value}"


class User(AbstractUser):
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # For SMS reminders; encrypted like every phone number, shown masked.
    mobile = EncryptedTextField(_("mobile phone"), blank=True)
    # Password policy (accounts.passwords): when the password last changed (expiry after
    # PASSWORD_MAX_AGE_DAYS), and whether an administrator set it, so that the user must
    # choose their own at the next login (PASSWORD_CHANGE_AT_FIRST_LOGIN).
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator sets the password: the user chooses a new one."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs) -> None:
        """Every password change, from any path (admin, password-change page,
        `changepassword`, `set_password` then save), stamps `password_changed_at`, clears or
        sets `must_change_password` and is kept in the password history. A hasher upgrade at
        login (`check_password`) is no change: it saves without the raw password."""
        changed = self._password is not None
        if changed:
            self.password_changed_at = timezone.now()
            self.must_change_password = getattr(self, "_password_set_by_administrator", False)
            self._password_set_by_administrator = False
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "password_changed_at",
                    "must_change_password",
                }
        super().save(*args, **kwargs)
        if changed:
            PasswordHistory.record(self)
            password_changed.send(sender=User, user=self)

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_full_name(self) -> str:
        # Chinese names are written surname first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    @property
    def display_name(self) -> str:
        """The name pages and documents show: the full name, else the username."""
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        # From the shared cache when there is one (accounts.scope_cache), which sets this.
        from .scope_cache import prime, read_roles

        prime(self)
        return self.__dict__.get("roles") or read_roles(self)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class PasswordHistory(models.Model):
    """The hashes of a user's passwords, newest first; the last PASSWORD_HISTORY_COUNT may not
    be chosen again (accounts.passwords.PasswordHistoryValidator)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history", verbose_name=_("user")
    )
    password = models.CharField(_("password"), max_length=128)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="passwordhistory_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, user: User) -> None:
        """Keep the user's current password hash; drop those beyond the history's length."""
        cls.objects.create(user=user, password=user.password)
        keep = max(settings.PASSWORD_HISTORY_COUNT, 1)
        stale = cls.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        cls.objects.filter(pk__in=list(stale)).delete()


class CalendarDay(models.Model):
    """An admin's override of the work calendar: a rest day or a make-up workday (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("workday"), help_text=_("Checked: a workday (e.g. make-up day). Unchecked: a rest day.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("work calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}"


class CalendarYear(models.Model):
    """A year of the work calendar as an admin left it: whether its official holiday schedule
    (国务院办公厅关于部分节假日安排的通知) is in, and who changed it last.

    Only matters for a year the `chinese-calendar` package does not know: until the schedule
    is loaded, its rest days are provisional (the `holidays` package's statutory holidays plus
    weekends); once loaded, the year counts weekends plus the admin's days. A row exists for
    every year an admin has changed (calendar changes lock it, one change at a time)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    official = models.BooleanField(
        _("official schedule loaded"),
        default=False,
        help_text=_("The admin's rest days and make-up workdays are the year's official list."),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The notice the schedule comes from (document number)."),
    )
    changed_by = models.ForeignKey(
        User, verbose_name=_("changed by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), null=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
