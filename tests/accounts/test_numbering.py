"""Document numbers (GB/T 9704-2012 7.2.4): `<机关代字><series>〔year〕n号`, gap-free per
issuing unit, series and year; a unit without a 机关代字 numbers under its Chinese name,
never its Latin code."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.numbering import document_prefix, next_document_number
from tests.factories import OrgUnitFactory


def number(unit, series="督", year=2026):
    return next_document_number(unit=unit, series=series, year=year)


def test_a_unit_numbers_under_its_abbreviation_gap_free_per_series_and_year(org):
    org.city_office.doc_abbreviation = "江信访"
    org.city_office.save()
    assert [number(org.city_office) for _ in range(3)] == [
        "江信访督〔2026〕1号",
        "江信访督〔2026〕2号",
        "江信访督〔2026〕3号",
    ]
    assert number(org.city_office, series="接访") == "江信访接访〔2026〕1号"
    assert number(org.city_office, year=2027) == "江信访督〔2027〕1号"
    # Another unit has its own sequence.
    assert number(org.d1_office) == "东湖区信访局督〔2026〕1号"


def test_a_rolled_back_issue_gives_its_number_back(org):
    org.d1.doc_abbreviation = "东政"
    org.d1.save()
    assert number(org.d1) == "东政督〔2026〕1号"
    with pytest.raises(RuntimeError), transaction.atomic():
        number(org.d1)
        raise RuntimeError
    assert number(org.d1) == "东政督〔2026〕2号"


def test_without_an_abbreviation_the_name_not_the_code(org):
    assert document_prefix(org.city_office) == "江城市信访局"
    assert "CTXFJ" not in number(org.city_office)


def test_a_name_two_units_share_gets_the_code_so_numbers_stay_unique(org):
    first = OrgUnitFactory(code="QSCGZ", name="城关镇", parent=org.d1)
    second = OrgUnitFactory(code="YCCGZ", name="城关镇", parent=org.d2)
    assert number(first) == "城关镇（QSCGZ）督〔2026〕1号"
    assert number(second) == "城关镇（YCCGZ）督〔2026〕1号"
    # A unit whose name another unit uses as its abbreviation, too.
    OrgUnitFactory(code="XC", name="新城区", doc_abbreviation="东湖区")
    assert document_prefix(org.d1) == "东湖区（D1）"


def test_no_two_units_share_an_abbreviation(org):
    org.d1.doc_abbreviation = "东政"
    org.d1.save()
    org.d2.doc_abbreviation = "东政"
    with pytest.raises(ValidationError) as info:
        org.d2.full_clean()
    assert [error.code for error in info.value.error_dict["doc_abbreviation"]] == ["taken"]
    assert list(info.value.error_dict) == ["doc_abbreviation"]
    # Blank is not an abbreviation: any number of units may have none.
    org.d2.doc_abbreviation = ""
    org.d2.full_clean()


@pytest.mark.parametrize("bad", ["清 信访", "清信访〔", "JZ(1)", "清2"])
def test_an_abbreviation_is_the_abbreviation_alone(org, bad):
    org.d1.doc_abbreviation = bad
    with pytest.raises(ValidationError) as info:
        org.d1.full_clean()
    assert "doc_abbreviation" in info.value.message_dict
