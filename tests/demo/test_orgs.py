"""The demo's governments and petition offices number their documents under a 机关代字."""

import pytest

from accounts.models import OrgUnit
from demo.orgs import build_org_tree


@pytest.mark.django_db
def test_the_demo_governments_and_petition_offices_have_abbreviations():
    units, created = build_org_tree()
    assert created == len(units)
    abbreviations = {code: unit.doc_abbreviation for code, unit in units.items()}
    assert abbreviations["JZXFJ"] == "江信访" and abbreviations["JZ"] == "江政"
    assert abbreviations["JZD1XFJ"] == "清信访" and abbreviations["JZD1"] == "清政"
    assert abbreviations["JNXFJ"] == "南信访"
    for code in ("JN", "JZ", "JZD1", "JZD2", "JZD3", "JNXFJ", "JZXFJ", "JZD2XFJ", "JZD3XFJ"):
        assert abbreviations[code], code
    given = [value for value in abbreviations.values() if value]
    assert len(given) == len(set(given))


@pytest.mark.django_db
def test_seeding_again_gives_an_existing_unit_without_one_its_abbreviation():
    build_org_tree()
    OrgUnit.objects.filter(code="JZXFJ").update(doc_abbreviation="")
    OrgUnit.objects.filter(code="JZD1XFJ").update(doc_abbreviation="清河信访")
    build_org_tree()
    assert OrgUnit.objects.get(code="JZXFJ").doc_abbreviation == "江信访"
    assert OrgUnit.objects.get(code="JZD1XFJ").doc_abbreviation == "清河信访"  # kept
