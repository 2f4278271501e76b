"""Resident ID numbers (GB 11643) and phone numbers: validation, parsing and masking."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
# Area codes are 010 and 02X (three digits) or 03XX-09XX (four digits).
_LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})-?([2-9]\d{6,7})(?:-(\d{1,6}))?$", re.ASCII)


class Sex:
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str  # Sex.MALE or Sex.FEMALE


def id_check_character(first17: str) -> str:
    """The MOD 11-2 check character (ISO 7064) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _ascii(value: str) -> str:
    # Chinese input methods easily type full-width digits (１２３) and letters (Ｘ).
    return unicodedata.normalize("NFKC", value)


def normalize_id_number(value: str) -> str:
    return _ascii(value).strip().upper().replace(" ", "")


def parse_resident_id(value: str, *, today: datetime.date | None = None) -> ResidentId:
    """Validate an 18-character resident ID number and derive birth date and sex.

    Raises ValidationError with a message saying which part is wrong."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="id_shape"
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this ID number does not exist."), code="id_date"
        ) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1890:
        raise ValidationError(
            _("The birth date in this ID number is not plausible."), code="id_date"
        )
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check character of this ID number is wrong; please check the number."),
            code="id_checksum",
        )
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, birth_date=birth, sex=sex)


def validate_id_number(value: str) -> None:
    parse_resident_id(value)


def is_mobile(phone: str | None) -> bool:
    """A mainland mobile number (11 digits, 1[3-9]…), the only kind a text message reaches."""
    return bool(_MOBILE.match((phone or "").strip()))


def normalize_phone(value: str) -> str:
    """A mainland mobile (11 digits) or a landline with area code as `0AA(A)-NNNNNNN(N)`."""
    raw = re.sub(r"[\s()]", "", _ascii(value).strip())
    if raw.startswith("+86"):
        raw = raw[3:]
    if _MOBILE.match(raw):
        return raw
    landline = _LANDLINE.match(raw)
    if landline:
        area, local, extension = landline.groups()
        return f"{area}-{local}" + (f"-{extension}" if extension else "")
    raise ValidationError(
        _("Enter a mobile number (11 digits) or a landline with its area code, e.g. 010-62345678."),
        code="phone",
    )


def normalize_mobile(value: str) -> str:
    """`value` as a mainland mobile, normalized (`normalize_phone`): the only kind of number a
    text message reaches. Raises the field's ValidationError for anything else."""
    phone = normalize_phone(value)
    if not is_mobile(phone):
        raise ValidationError(
            _("Enter a mobile number (11 digits): text messages cannot go to a landline."),
            code="mobile",
        )
    return phone


def validate_phone(value: str) -> None:
    normalize_phone(value)


def mask_id_number(number: str) -> str:
    """`11010519491231002X` → `110105********002X`."""
    if not number:
        return ""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`; `010-62345678` → `010-****5678`."""
    if not phone:
        return ""
    if "-" in phone:
        area, rest = phone.split("-", 1)
        return f"{area}-{'*' * max(len(rest) - 4, 0)}{rest[-4:]}"
    return f"{phone[:3]}{'*' * max(len(phone) - 7, 0)}{phone[-4:]}"


# Candidates in free text: an 18-character ID number, a mainland mobile number.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])", re.ASCII)
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)", re.ASCII)


def mask_personal_data(text: str) -> str:
    """Mask every ID number and mobile number in free text (log lines, messages)."""
    text = _ID_IN_TEXT.sub(lambda m: f"{m[1]}{'*' * 8}{m[2]}", text)
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m[1]}****{m[2]}", text)
