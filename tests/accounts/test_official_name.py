"""The full name a unit signs its documents with (GB/T 9704-2012 7.3.5)."""

import pytest

from accounts.models import OrgKind, OrgLevel, OrgUnit


@pytest.mark.parametrize(
    "name, level, kind, full",
    [
        ("江州市", OrgLevel.CITY, OrgKind.GOVERNMENT, "江州市人民政府"),
        ("江南省", OrgLevel.PROVINCE, OrgKind.GOVERNMENT, "江南省人民政府"),
        ("清河区", OrgLevel.DISTRICT, OrgKind.GOVERNMENT, "清河区人民政府"),
        ("青山县", OrgLevel.DISTRICT, OrgKind.GOVERNMENT, "青山县人民政府"),
        ("升平街道", OrgLevel.TOWNSHIP, OrgKind.GOVERNMENT, "升平街道办事处"),
        ("红星镇", OrgLevel.TOWNSHIP, OrgKind.GOVERNMENT, "红星镇人民政府"),
        ("白石乡", OrgLevel.TOWNSHIP, OrgKind.GOVERNMENT, "白石乡人民政府"),
        ("升平社区", OrgLevel.VILLAGE, OrgKind.GOVERNMENT, "升平社区居民委员会"),
        ("红星村", OrgLevel.VILLAGE, OrgKind.GOVERNMENT, "红星村民委员会"),
        # Already full, or no area name: as stored.
        ("江州市人民政府", OrgLevel.CITY, OrgKind.GOVERNMENT, "江州市人民政府"),
        (
            "江州经济技术开发区管委会",
            OrgLevel.DISTRICT,
            OrgKind.GOVERNMENT,
            "江州经济技术开发区管委会",
        ),
        # Departments sign with their own name.
        ("江州市信访局", OrgLevel.CITY, OrgKind.PETITION_OFFICE, "江州市信访局"),
        ("清河区教育局", OrgLevel.DISTRICT, OrgKind.BUSINESS, "清河区教育局"),
    ],
)
def test_official_name(name, level, kind, full):
    assert OrgUnit(code="X1", name=name, level=level, kind=kind).official_name == full
