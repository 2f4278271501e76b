"""The people's suggestions' figures against the October 2026 counted by hand in
`suggestion_fixtures` (today 2026-11-22): the tiles of 东湖区 and of 江城市, each tile's
drill-down listing what it counts, the per-unit table and the monthly report's text."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from dashboards.sections import section_figures

from .suggestion_fixtures import D

pytestmark = pytest.mark.usefixtures("frozen_now")


def figures(user, unit):
    found = section_figures(user, unit, D(2026, 10, 1), D(2026, 10, 31), D(2026, 11, 22))
    return {section.key: section for section in found}["suggestions"]


def test_the_district_figures_are_those_counted_by_hand(suggestions, org, city_leader):
    section = figures(city_leader, org.d1)
    tiles = {tile.key: tile.value for tile in section.tiles}
    assert tiles == {
        "suggestions_received": 4,
        "suggestions_answered": 3,
        "suggestions_adopted": 1,
        "suggestions_partly_adopted": 1,
        "suggestions_not_adopted": 1,
        "suggestions_adoption_rate": pytest.approx(2 / 3),
        "suggestions_late": 2,
        "suggestions_commended": 1,
    }
    rate = next(tile for tile in section.tiles if tile.key == "suggestions_adoption_rate")
    assert rate.text == "66.7%"
    assert section.report_heading == "人民建议征集"
    assert "本期收到人民建议4件，已答复3件" in section.report_text
    assert "采纳率66.7%" in section.report_text


def test_the_city_figures_and_its_table_by_district(suggestions, org, city_leader):
    section = figures(city_leader, org.city)
    tiles = {tile.key: tile.value for tile in section.tiles}
    assert (tiles["suggestions_received"], tiles["suggestions_answered"]) == (5, 4)
    assert tiles["suggestions_adopted"] == 2
    assert tiles["suggestions_adoption_rate"] == pytest.approx(3 / 4)
    assert section.table_text == [
        ["东湖区", "4", "3", "1", "1", "1", "66.7%", "2", "1"],
        ["西山区", "1", "1", "1", "0", "0", "100.0%", "0", "0"],
    ]
    assert section.report_table[1][0] == "单位"


def test_the_district_office_sees_only_its_own(suggestions, org, handler2):
    tiles = {tile.key: tile.value for tile in figures(handler2, org.city).tiles}
    assert (tiles["suggestions_received"], tiles["suggestions_adopted"]) == (1, 1)


def test_each_tile_drills_down_to_the_suggestions_it_counts(suggestions, org, city_leader):
    client = Client()
    client.force_login(city_leader)
    for tile in figures(city_leader, org.d1).tiles:
        response = client.get(tile.url)
        assert response.status_code == 200, tile.key
        listed = len(re.findall(r"<tr data-suggestion=", response.content.decode()))
        if tile.rate:
            assert listed == 2, tile.key  # the adopted and the partly adopted
        else:
            assert listed == tile.value, tile.key


def test_no_answer_no_rate(org, city_leader, frozen_now):
    section = figures(city_leader, org.d1)
    rate = next(tile for tile in section.tiles if tile.key == "suggestions_adoption_rate")
    assert rate.value is None and rate.text == "—"
    assert section.table_rows == []
