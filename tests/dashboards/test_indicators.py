"""Every indicator against the hand-counted month of `conftest.py`."""

import pytest

from dashboards.periods import Period
from dashboards.selectors import stats_summary
from dashboards.services import rollup_rebuild

from .conftest import TODAY, D

OCTOBER = Period.of(D(2026, 10, 1), D(2026, 10, 31))


def pair(batches, persons):
    return {"batches": batches, "persons": persons}


@pytest.fixture
def city_october(october, org, city_supervisor):
    rollup_rebuild()
    return stats_summary(user=city_supervisor, unit=org.city, period=OCTOBER, today=TODAY)


def test_periods_compared_are_september_and_october_last_year():
    assert OCTOBER.previous() == Period(D(2026, 9, 1), D(2026, 9, 30), 1)
    assert OCTOBER.last_year() == Period(D(2025, 10, 1), D(2025, 10, 31), 1)


def test_volume(city_october):
    s = city_october
    assert (s["batches"], s["persons"]) == (6, 14)
    assert s["last_year"] == pair(2, 6)
    assert s["previous"] == pair(1, 2)
    assert s["batches_yoy"] == 2.0
    assert s["persons_yoy"] == pytest.approx(1.3333)
    assert s["batches_mom"] == 5.0
    assert s["persons_mom"] == 6.0


def test_channels_and_levels(city_october):
    s = city_october
    assert s["by_channel"] == {
        "letter": pair(1, 1),
        "visit": pair(2, 9),
        "online": pair(2, 2),
        "phone": pair(1, 2),
    }
    assert s["online_share"] == pytest.approx(0.3333)
    assert s["by_level"] == {
        "national": pair(0, 0),
        "province": pair(1, 6),
        "city": pair(2, 4),
        "district": pair(3, 4),
    }


def test_skip_level_group_repeat_first_time(city_october):
    s = city_october
    assert s["skip_level"] == pair(2, 9)
    assert s["group"] == pair(1, 6)
    assert s["repeat"] == pair(1, 1)
    assert s["first_time"] == pair(2, 3)


def test_rates(city_october):
    s = city_october
    assert s["rate_parts"] == {
        "timely_acceptance_rate": [2, 4],
        "on_time_rate": [3, 4],
        "completion_rate": [3, 4],
        "resolution_rate": [2, 4],
        "satisfaction_rate": [1, 2],
        # R4's window closed on 4 November; R3's is open until 27 November.
        "participation_rate": [2, 3],
        "one_time_rate": [1, 2],
    }
    assert s["timely_acceptance_rate"] == 0.5
    assert s["on_time_rate"] == 0.75
    assert s["completion_rate"] == 0.75
    assert s["resolution_rate"] == 0.5
    assert s["satisfaction_rate"] == 0.5
    assert s["participation_rate"] == pytest.approx(0.6667)
    assert s["one_time_rate"] == 0.5


def test_top_categories_with_their_change(city_october):
    rows = [
        (
            r["code"],
            r["batches"],
            r["persons"],
            r["previous"],
            r["change"],
            r["last_year"],
            r["yoy"],
        )
        for r in city_october["top_categories"]
    ]
    assert rows == [
        ("0201", 3, 9, 0, None, 1, 2.0),
        ("0301", 3, 5, 1, 2.0, 1, 2.0),
    ]
    assert city_october["top_categories"][0]["name"] == "征地拆迁 › 征地补偿"


def test_unit_ranking(city_october):
    rows = [
        (r["rank"], r["unit"], r["answered"], r["on_time_rate"], r["satisfaction_rate"])
        for r in city_october["unit_ranking"]
    ]
    assert rows == [
        (1, "D1", 1, 1.0, 1.0),
        (2, "CTJY", 1, 1.0, None),
        (3, "D2", 1, 1.0, None),
        (4, "CTXFJ", 1, 0.0, 0.0),
    ]


def test_open_work_and_backlog(city_october, october, city_leader):
    s = city_october
    assert (s["open"], s["due_soon"], s["overdue"]) == (5, 1, 1)
    assert s["due_soon_until"] == D(2026, 11, 25)
    assert s["backlog"]["count"] == 2
    ledger = s["backlog"]["cases"]
    assert [row["number"] for row in ledger] == [october.c10.number, october.c9.number]
    assert ledger[1]["sponsoring_leader"] == city_leader.display_name
    assert ledger[0]["petitions"] == 3


def test_series_behind_the_charts(city_october):
    series = city_october["series"]
    trend = {point["month"]: point for point in series["trend"]}
    assert len(series["trend"]) == 12
    assert series["trend"][-1]["month"] == "2026-10"
    assert trend["2026-10"] == {"month": "2026-10", "batches": 6, "persons": 14}
    assert trend["2026-09"]["batches"] == 1
    assert trend["2026-02"]["batches"] == 1  # C10's second petition
    assert [p["batches"] for p in series["channels"]] == [1, 2, 2, 1]
    assert [p["name"] for p in series["ranking"]] == [
        "东湖区",
        "江城市教育局",
        "西山区",
        "江城市信访局",
    ]


def test_district_figures_hold_only_the_district(october, org, d1_supervisor):
    rollup_rebuild()
    s = stats_summary(user=d1_supervisor, unit=org.d1, period=OCTOBER, today=TODAY)
    assert (s["batches"], s["persons"]) == (3, 5)
    assert (s["batches_yoy"], s["batches_mom"]) == (2.0, 2.0)
    assert s["by_channel"]["phone"] == pair(0, 0)
    assert s["by_level"]["province"] == pair(0, 0)
    assert s["by_level"]["city"] == pair(1, 3)  # P2: a D1 matter taken to the city
    assert s["group"] == pair(0, 0)
    assert s["rate_parts"]["timely_acceptance_rate"] == [1, 1]
    assert s["rate_parts"]["on_time_rate"] == [1, 1]
    assert s["rate_parts"]["one_time_rate"] == [0, 1]
    assert (s["open"], s["due_soon"], s["overdue"]) == (4, 1, 0)
    assert s["backlog"]["count"] == 1
    assert [r["code"] for r in s["top_categories"]] == ["0301"]


def test_decisions_not_yet_due_are_not_counted(october, org, city_supervisor):
    """In November, C8's acceptance (due 10 December) is not late yet; C7's answer clock
    (due 24 November) is not either."""
    rollup_rebuild()
    november = Period(D(2026, 11, 1), D(2026, 11, 30), 1)
    s = stats_summary(user=city_supervisor, unit=org.city, period=november, today=TODAY)
    # C5's answer clock (due 26 November) was met on 28 October: counted, and met.
    assert s["rate_parts"]["completion_rate"] == [1, 1]
    assert s["rate_parts"]["timely_acceptance_rate"] == [0, 0]
    assert s["timely_acceptance_rate"] is None
