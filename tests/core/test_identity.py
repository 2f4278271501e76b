"""Resident ID numbers (GB 11643) and phone numbers: validation, parsing, masking."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from core.identity import (
    Sex,
    id_check_character,
    is_mobile,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    parse_resident_id,
    validate_id_number,
    validate_phone,
)
from tests.factories import make_id_number, make_phone


def _code(callable_, value) -> str:
    with pytest.raises(ValidationError) as info:
        callable_(value)
    return info.value.code


# --- ID numbers ---------------------------------------------------------------------------


def test_the_reference_id_number_is_accepted_with_birth_and_sex():
    resident = parse_resident_id("11010519491231002X")
    assert resident.number == "11010519491231002X"
    assert resident.birth_date == datetime.date(1949, 12, 31)
    assert resident.sex == Sex.FEMALE


def test_lower_case_x_and_spaces_are_normalised():
    assert normalize_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


def test_odd_17th_digit_is_male():
    number = make_id_number(birth=datetime.date(1980, 5, 17), female=False)
    resident = parse_resident_id(number)
    assert resident.sex == Sex.MALE
    assert resident.birth_date == datetime.date(1980, 5, 17)


def test_check_character_is_mod_11_2():
    assert id_check_character("11010519491231002") == "X"
    # ISO 7064 MOD 11-2 by hand for a second number.
    first17 = "44030419850101123"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    assert id_check_character(first17) == "10X98765432"[total % 11]


@pytest.mark.parametrize("seed", range(30))
def test_generated_id_numbers_are_valid(seed):
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=seed * 997)
    number = make_id_number(birth=birth, female=bool(seed % 2))
    resident = parse_resident_id(number)
    assert resident.birth_date == birth
    assert resident.sex == (Sex.FEMALE if seed % 2 else Sex.MALE)


def test_wrong_check_character_is_refused():
    assert _code(validate_id_number, "110105194912310021") == "id_checksum"


def test_impossible_birth_date_is_refused():
    first17 = "11010519490230002"  # 30 February
    assert _code(validate_id_number, first17 + id_check_character(first17)) == "id_date"


def test_future_or_implausible_birth_date_is_refused():
    future = "11010520990101002"
    assert _code(validate_id_number, future + id_check_character(future)) == "id_date"
    ancient = "11010518000101002"
    assert _code(validate_id_number, ancient + id_check_character(ancient)) == "id_date"


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", "", "110105"])
def test_wrong_length_is_refused(number):
    assert _code(validate_id_number, number) == "id_length"


@pytest.mark.parametrize(
    "number", ["1101051949123100AX", "A1010519491231002X", "110105194912310X2X"]
)
def test_letters_inside_are_refused(number):
    assert _code(validate_id_number, number) == "id_shape"


def test_each_kind_of_id_error_has_its_own_code():
    bad_date = "11010519490230002"
    codes = {
        _code(validate_id_number, "110105194912310021"),
        _code(validate_id_number, bad_date + id_check_character(bad_date)),
        _code(validate_id_number, "11010519491231002"),
        _code(validate_id_number, "1101051949123100AX"),
    }
    assert codes == {"id_checksum", "id_date", "id_length", "id_shape"}


def test_id_number_is_masked():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""


# --- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("199 1234 5678", "19912345678"),
        ("+86 13812345678", "13812345678"),
        ("010-62345678", "010-62345678"),
        ("0571-87654321", "0571-87654321"),
        ("0571-8765432", "0571-8765432"),
        ("057187654321", "0571-87654321"),
        ("（0571）87654321", "0571-87654321"),
        ("0571-87654321-123", "0571-87654321-123"),
    ],
)
def test_valid_phones_are_normalised(raw, normalised):
    assert normalize_phone(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("01062345678", "010-62345678"),  # Beijing
        ("(010)62345678", "010-62345678"),
        ("02164123456", "021-64123456"),  # Shanghai
        ("02087654321", "020-87654321"),  # Guangzhou
    ],
)
def test_three_digit_area_codes_without_a_dash_are_split_correctly(raw, normalised):
    """Area codes are 010 and 02X (3 digits) or 03XX-09XX (4 digits): the same number typed
    with or without a dash must normalise (and hash, for repeat detection) the same."""
    assert normalize_phone(raw) == normalised


def test_the_landline_shown_as_example_in_the_error_message_is_accepted():
    """The refusal message gives a landline as example; that very example must pass."""
    with pytest.raises(ValidationError) as info:
        validate_phone("12345")
    example = re.search(r"0\d{2,3}-\d{7,8}", info.value.messages[0]).group()
    assert normalize_phone(example) == example


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # mobiles start 13-19
        "23812345678",
        "10-62345678",  # area code starts with 0
        "0571-0765432",  # local number cannot start with 0
        "0571-876543",  # 6-digit local number
        "0571-876543210",  # 9-digit local number
        "138abcd5678",
        "",
    ],
)
def test_bad_phones_are_refused(raw):
    assert _code(validate_phone, raw) == "phone"


def test_generated_phones_are_valid():
    for _ in range(50):
        phone = make_phone()
        assert normalize_phone(phone) == phone


def test_phones_are_masked():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-62345678") == "010-****5678"
    assert mask_phone("0571-8765432") == "0571-***5432"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [
        ("13912345678", True),
        (" 18612345678 ", True),
        ("12912345678", False),  # no 12x mobiles
        ("010-62345678", False),
        ("0451-86201234", False),
        ("1391234567", False),
        ("", False),
        (None, False),
    ],
)
def test_is_mobile_takes_mainland_mobiles_only(phone, mobile):
    assert is_mobile(phone) is mobile
