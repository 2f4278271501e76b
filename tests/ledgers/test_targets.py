"""The annual targets (一控制三下降), the year-end assessment and the annual report: the rules
on hand-counted rollup rows, with real dates."""

import datetime
import io
from decimal import Decimal

import pytest
from docx import Document

from core.exceptions import NotAllowed, ValidationError
from core.officialdoc import chinese_numeral
from dashboards.models import DailyStat
from escalation.models import UnitRanking
from ledgers.models import AnnualTarget, AssessmentScheme, LedgerEvent, LedgerEventKind
from ledgers.targets.annual import annual_report_document
from ledgers.targets.assessment import DEFAULT_WEIGHTS, assessment
from ledgers.targets.figures import targets_figures
from ledgers.targets.selectors import TargetStatus, target_progress, units_below
from ledgers.targets.services import target_set, weights_set
from tests.conftest import _user

D = datetime.date
TODAY = D(2026, 6, 30)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 30, 10, 0), tick=False)


def stat(unit, day, **counts):
    DailyStat.objects.create(unit=unit, day=day, **counts)


def target(unit, user, **values):
    defaults = {
        "batch_ceiling": 90,
        "skip_level_cut": Decimal(10),
        "repeat_cut": Decimal(20),
        "group_cut": Decimal(50),
        "capital_cut": Decimal(10),
    }
    return AnnualTarget.objects.create(unit=unit, year=2026, set_by=user, **{**defaults, **values})


@pytest.fixture
def d1_year(org):
    """D1's area: 2025 had 100 batches, 40 of them by 30 June (2 skip-level of 10 in the
    year, 4 repeat of 10, no group, 6 to the province of 20); 2026 to 30 June 50 batches with
    3 skip-level, 2 repeat, 1 group and 5 to Beijing. The rollup begins on 2 January 2025:
    it holds last year whole."""
    stat(org.city, D(2025, 1, 2))
    stat(org.d1, D(2025, 3, 1), batches=40, skip_level_batches=2, repeat_batches=4)
    stat(org.d1, D(2025, 6, 30), province_batches=6)
    stat(org.d1, D(2025, 9, 1), batches=60, skip_level_batches=8, repeat_batches=6)
    stat(org.d1, D(2025, 10, 1), province_batches=14)
    stat(
        org.d1,
        D(2026, 2, 1),
        batches=50,
        skip_level_batches=3,
        repeat_batches=2,
        group_batches=1,
        national_batches=5,
    )
    # After the day judged: not counted.
    stat(org.d1, D(2026, 7, 1), batches=500)


def by_key(progress):
    return {metric.metric.key: metric for metric in progress.metrics}


def test_progress_against_last_year_by_the_same_day(org, city_supervisor, d1_year):
    target(org.d1, city_supervisor)
    (progress,) = target_progress([org.d1], 2026, TODAY)
    metrics = by_key(progress)
    # Ceiling 90; last year 40 of 100 had come by 30 June: 36 allowed by now; 50 > 36.
    batches = metrics["batches"]
    assert (batches.actual, batches.last_year_to_date, batches.last_year) == (50, 40, 100)
    assert batches.allowed == 90 and batches.allowed_to_date == pytest.approx(36)
    assert batches.status == TargetStatus.WARNING
    # Skip-level: 10 last year less 10% = 9 for the year; by 30 June 2 × 0.9 = 1.8; 3 > 1.8.
    skip = metrics["skip_level"]
    assert (skip.allowed, skip.allowed_to_date) == (pytest.approx(9), pytest.approx(1.8))
    assert skip.status == TargetStatus.WARNING
    # Repeat: 10 less 20% = 8; by now 4 × 0.8 = 3.2; 2 is on track, and half of last year's.
    repeat = metrics["repeat"]
    assert repeat.status == TargetStatus.ON_TRACK and repeat.change == pytest.approx(-0.5)
    # Group: none last year, no base.
    assert metrics["group"].status == TargetStatus.NO_BASE and metrics["group"].allowed is None
    # 进京/赴省: 20 last year less 10% = 18 for the year; 6 × 0.9 = 5.4 by now; 5 on track.
    assert metrics["capital"].status == TargetStatus.ON_TRACK
    assert metrics["capital"].allowed == pytest.approx(18)
    assert progress.status == TargetStatus.WARNING
    assert (progress.met, len(progress.judged)) == (2, 4)


def test_a_figure_over_the_whole_years_allowance_has_missed(org, city_supervisor, d1_year):
    target(org.d1, city_supervisor, batch_ceiling=45, skip_level_cut=Decimal(80))
    metrics = by_key(target_progress([org.d1], 2026, TODAY)[0])
    assert metrics["batches"].status == TargetStatus.MISSED  # 50 > 45
    assert metrics["skip_level"].status == TargetStatus.MISSED  # 3 > 10 × 0.2


def test_the_ceiling_goes_by_the_share_of_the_year_without_last_years_figures(org, city_supervisor):
    # 2026-02-28 is day 59 of 365: a ceiling of 365 allows 59 by then.
    stat(org.d2, D(2026, 2, 10), batches=59)
    target(org.d2, city_supervisor, batch_ceiling=365)
    (progress,) = target_progress([org.d2], 2026, D(2026, 2, 28))
    batches = by_key(progress)["batches"]
    assert batches.allowed_to_date == pytest.approx(59)
    assert batches.status == TargetStatus.ON_TRACK
    stat(org.d2, D(2026, 2, 28), batches=1)
    (progress,) = target_progress([org.d2], 2026, D(2026, 2, 28))
    assert by_key(progress)["batches"].status == TargetStatus.WARNING


def test_a_leap_day_compares_with_the_28th_of_february_last_year(org, city_supervisor):
    stat(org.d1, D(2023, 1, 3))
    stat(org.d1, D(2023, 2, 28), batches=7)
    stat(org.d1, D(2023, 3, 1), batches=3)
    AnnualTarget.objects.create(unit=org.d1, year=2024, set_by=city_supervisor, batch_ceiling=10)
    (progress,) = target_progress([org.d1], 2024, D(2024, 2, 29))
    assert by_key(progress)["batches"].last_year_to_date == 7


def test_the_judgement_is_exact_and_the_allowance_shown_whole(org, city_supervisor):
    """10 skip-level petitions last year, down 90%: 1 is allowed, and 1 is within it (in
    floating point 10 × (1 − 0.9) is 0.9999…). Repeat: 9 less 10% is 8.1, shown as 8."""
    stat(org.city, D(2025, 1, 2))
    stat(org.d1, D(2025, 3, 1), batches=40, skip_level_batches=10, repeat_batches=9)
    stat(org.d1, D(2026, 2, 1), batches=20, skip_level_batches=1, repeat_batches=9)
    target(org.d1, city_supervisor, skip_level_cut=Decimal(90), repeat_cut=Decimal(10))
    metrics = by_key(target_progress([org.d1], 2026, TODAY)[0])
    skip = metrics["skip_level"]
    assert (skip.allowed, skip.allowed_whole, skip.status) == (1.0, 1, TargetStatus.ON_TRACK)
    repeat = metrics["repeat"]
    assert repeat.allowed == pytest.approx(8.1) and repeat.allowed_whole == 8
    assert repeat.status == TargetStatus.MISSED


def test_a_rollup_begun_during_last_year_is_no_base_for_the_cuts(org, city_supervisor):
    """The system went into use on 1 March 2025: last year's rows are not last year's figures.
    The cuts have no base, the ceiling goes by the share of the year gone (181 of 365 days by
    30 June 2026: 90 × 181 / 365 = 44.6)."""
    stat(org.d1, D(2025, 3, 1), batches=40, skip_level_batches=2, repeat_batches=4)
    stat(org.d1, D(2026, 2, 1), batches=44, skip_level_batches=3)
    target(org.d1, city_supervisor)
    metrics = by_key(target_progress([org.d1], 2026, TODAY)[0])
    batches = metrics["batches"]
    assert batches.allowed_to_date == pytest.approx(90 * 181 / 365)
    assert batches.status == TargetStatus.ON_TRACK
    assert {metrics[key].status for key in ("skip_level", "repeat", "group", "capital")} == {
        TargetStatus.NO_BASE
    }


def test_an_entered_base_stands_in_for_last_year(org, city_supervisor):
    """Last year's statistics entered with the target: 10 skip-level, spread over the year (5
    by 30 June, 181 / 365 of 10 rounded); down 10%: 9 for the year, 4.5 by now; 3 on track.
    Repeat: 4 last year less 20% = 3.2, and 4 this year has missed it."""
    stat(org.d1, D(2025, 3, 1), batches=40)
    stat(org.d1, D(2026, 2, 1), batches=44, skip_level_batches=3, repeat_batches=4)
    target(org.d1, city_supervisor, skip_level_base=10, repeat_base=4)
    metrics = by_key(target_progress([org.d1], 2026, TODAY)[0])
    skip = metrics["skip_level"]
    assert (skip.last_year, skip.last_year_to_date, skip.entered) == (10, 5, True)
    assert (skip.allowed, skip.allowed_to_date) == (pytest.approx(9), pytest.approx(4.5))
    assert skip.status == TargetStatus.ON_TRACK
    assert metrics["repeat"].status == TargetStatus.MISSED
    assert metrics["group"].status == TargetStatus.NO_BASE and not metrics["group"].entered
    # Entered, it wins over a rollup that holds last year whole too.
    stat(org.city, D(2025, 1, 2))
    stat(org.d1, D(2025, 4, 1), skip_level_batches=50)
    assert by_key(target_progress([org.d1], 2026, TODAY)[0])["skip_level"].last_year == 10


def test_no_target_no_figures_and_a_year_not_begun(org, city_supervisor):
    progress = target_progress([org.d1, org.d2], 2026, TODAY)
    assert [p.status for p in progress] == [None, None]
    target(org.d1, city_supervisor)
    (early,) = target_progress([org.d1], 2026, D(2025, 12, 31))
    assert early.target is not None and early.metrics == [] and early.status is None


def test_progress_reads_three_queries(org, city_supervisor, django_assert_num_queries):
    target(org.d1, city_supervisor)
    target(org.d2, city_supervisor)
    with django_assert_num_queries(3):
        target_progress([org.d1, org.d2, org.d1_street], 2026, TODAY)


def test_units_below_a_city_are_its_districts(org):
    assert set(units_below(org.city)) == {org.d1, org.d2}
    # Below a district's street: its community, whatever its kind.
    assert units_below(org.d1_street) == [org.d1_community]


# --- setting targets and weights ----------------------------------------------------------


def test_the_level_above_sets_a_units_targets(org, city_supervisor, frozen):
    saved = target_set(
        actor=city_supervisor,
        unit=org.d1,
        year=2026,
        batch_ceiling=900,
        skip_level_cut="10",
        repeat_cut=Decimal("12.5"),
        group_cut=20,
        capital_cut=Decimal("0"),
        note="  一控制三下降  ",
    )
    assert (saved.batch_ceiling, saved.repeat_cut, saved.note) == (
        900,
        Decimal("12.5"),
        "一控制三下降",
    )
    # Again: the same row changes, and the history says so twice.
    again = target_set(
        actor=city_supervisor,
        unit=org.d1,
        year=2026,
        batch_ceiling=800,
        skip_level_cut=10,
        repeat_cut=10,
        group_cut=10,
        capital_cut=10,
    )
    assert again.pk == saved.pk and AnnualTarget.objects.get().batch_ceiling == 800
    events = LedgerEvent.objects.filter(ledger="target", object_id=saved.pk)
    assert [e.kind for e in events] == [LedgerEventKind.TARGET_SET] * 2


def test_a_level_does_not_set_its_own_targets_nor_a_handler(org, d1_supervisor, handler1, frozen):
    values = {
        "year": 2026,
        "batch_ceiling": 1,
        "skip_level_cut": 0,
        "repeat_cut": 0,
        "group_cut": 0,
        "capital_cut": 0,
    }
    with pytest.raises(NotAllowed):
        target_set(actor=d1_supervisor, unit=org.d1, **values)
    with pytest.raises(NotAllowed):
        target_set(actor=handler1, unit=org.d1_street, **values)
    # Outside the area.
    with pytest.raises(NotAllowed):
        target_set(actor=d1_supervisor, unit=org.d2_street, **values)
    # Its street is below it.
    assert target_set(actor=d1_supervisor, unit=org.d1_street, **values).unit == org.d1_street


def test_bad_targets_are_refused_field_by_field(org, city_supervisor, frozen):
    with pytest.raises(ValidationError) as refused:
        target_set(
            actor=city_supervisor,
            unit=org.d1,
            year=2026,
            batch_ceiling=-1,
            skip_level_cut="ten",
            repeat_cut=101,
            group_cut=-0.5,
            capital_cut=5,
            repeat_base=-1,
            group_base="many",
            capital_base=True,
        )
    assert set(refused.value.message_dict) == {
        "batch_ceiling",
        "skip_level_cut",
        "repeat_cut",
        "group_cut",
        "repeat_base",
        "group_base",
        "capital_base",
    }
    with pytest.raises(ValidationError) as refused:
        target_set(
            actor=city_supervisor,
            unit=org.d1,
            year=2028,
            batch_ceiling=1,
            skip_level_cut=0,
            repeat_cut=0,
            group_cut=0,
            capital_cut=0,
        )
    assert set(refused.value.message_dict) == {"year"}
    assert not AnnualTarget.objects.exists()


def test_the_weights_add_up_to_100(org, city_supervisor, d1_supervisor, frozen):
    weights = {**DEFAULT_WEIGHTS, "ranking": 20}
    with pytest.raises(ValidationError) as refused:
        weights_set(actor=city_supervisor, unit=org.city, year=2026, weights=weights)
    assert "110" in str(refused.value.message_dict["__all__"])
    with pytest.raises(ValidationError) as refused:
        weights_set(
            actor=city_supervisor, unit=org.city, year=2026, weights={**weights, "on_time": "x"}
        )
    assert set(refused.value.message_dict) == {"on_time"}
    with pytest.raises(NotAllowed):
        weights_set(actor=d1_supervisor, unit=org.city, year=2026, weights=DEFAULT_WEIGHTS)
    weights = {**DEFAULT_WEIGHTS, "on_time": 15, "ranking": 20}
    scheme = weights_set(actor=city_supervisor, unit=org.city, year=2026, weights=weights)
    assert AssessmentScheme.objects.get().weights == weights == scheme.weights


# --- the assessment -------------------------------------------------------------------------


@pytest.fixture
def assessed_year(org, city_supervisor, d1_year):
    """D1: 10 answered, 9 on time, 6 resolved, 8 evaluated of which 6 satisfied; ranked 1st
    and 3rd of 3 in two months (D1's street) → (1 + 0) / 2; targets 2 of 4 on track.
    D2: 4 answered, all on time, 4 resolved, none evaluated; never ranked; no target."""
    stat(
        org.d1, D(2026, 3, 1), answered=10, answered_on_time=9, resolved=6, evaluated=8, satisfied=6
    )
    stat(org.d2, D(2026, 4, 1), answered=4, answered_on_time=4, resolved=4)
    target(org.d1, city_supervisor)
    for month, rank, unit in (
        (D(2026, 1, 1), 1, org.d1_street),
        (D(2026, 1, 1), 2, org.city_office),
        (D(2026, 1, 1), 3, org.other_city_office),
        (D(2026, 2, 1), 1, org.city_office),
        (D(2026, 2, 1), 2, org.other_city_office),
        (D(2026, 2, 1), 3, org.d1_business),
    ):
        UnitRanking.objects.create(
            month=month,
            unit=unit,
            handled=1,
            on_time=1,
            overdue=0,
            evaluated=0,
            satisfied=0,
            rank=rank,
        )


def test_the_assessment_weighs_each_factor_and_ranks(org, assessed_year):
    rows = assessment(org.city, 2026, TODAY, DEFAULT_WEIGHTS)
    d2, d1 = rows
    assert d1.values == {
        "on_time": 0.9,
        "resolution": 0.6,
        "satisfaction": 0.75,
        "targets": 0.5,
        "ledgers": None,
        "ranking": 0.5,
    }
    # 25×0.9 + 20×0.75 + 15×0.6 + 10×0.5 + 20×0.5 = 61.5 of the 90 points with a base.
    assert d1.score == round(61.5 * 100 / 90, 2)
    # D2: on time and resolution only: (25 + 15) of 40 → 100.
    assert d2.values["satisfaction"] is None and d2.values["ranking"] is None
    assert d2.score == 100.0
    assert [(r.unit, r.rank) for r in rows] == [(org.d2, 1), (org.d1, 2)]
    # Weighing on-time completion alone: D2 (100%) before D1 (90%).
    alone = dict.fromkeys(DEFAULT_WEIGHTS, 0) | {"on_time": 100}
    assert [r.score for r in assessment(org.city, 2026, TODAY, alone)] == [100.0, 90.0]


def test_a_unit_with_no_figure_is_not_ranked(org):
    rows = assessment(org.city, 2026, TODAY, DEFAULT_WEIGHTS)
    assert [(r.unit, r.score, r.rank) for r in rows] == [(org.d1, None, None), (org.d2, None, None)]
    assert assessment(org.city, 2027, TODAY, DEFAULT_WEIGHTS) == []


def test_the_assessment_reads_a_bounded_number_of_queries(
    org, assessed_year, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):
        assessment(org.city, 2026, TODAY, DEFAULT_WEIGHTS)


# --- the dashboard's section, the annual report ----------------------------------------------


def test_the_section_counts_the_units_by_status(org, city_supervisor, d1_year):
    target(org.d1, city_supervisor)
    target(org.d2, city_supervisor, batch_ceiling=0)
    stat(org.d2, D(2026, 5, 1), batches=1)
    figures = targets_figures(city_supervisor, org.city, D(2026, 1, 1), D(2026, 12, 31), TODAY)
    tiles = {tile.key: tile.value for tile in figures.tiles}
    assert tiles == {
        "targets_set": 2,
        "targets_on_track": 0,
        "targets_warning": 1,
        "targets_missed": 1,
    }
    rows = {row[0]: row for row in figures.table_rows}
    assert set(rows) == {"东湖区", "西山区"}
    assert rows["东湖区"][2] == "50 / 90" and rows["西山区"][2] == "1 / 0"
    assert "预警1个，未完成1个" in figures.report_text
    urls = {tile.key: tile.url for tile in figures.tiles}
    assert "status=missed" in urls["targets_missed"] and "area=CT" in urls["targets_missed"]


def test_chinese_numerals_of_the_headings():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 12, 20, 21)] == [
        "一",
        "九",
        "十",
        "十一",
        "十二",
        "二十",
        "二十一",
    ]


def test_the_annual_report_holds_what_art_41_asks(org, city_supervisor, assessed_year):
    supervisor = _user("ct_sup", org.city, "supervisor")
    document = annual_report_document(supervisor, org.city, 2026, TODAY)
    headings = [section.heading for section in document.sections]
    assert headings[:6] == [
        "一、信访事项数据统计",
        "二、信访事项涉及领域及被投诉较多的机关、单位",
        "三、转送、交办、督办情况",
        "四、提出改进工作、完善政策、追究责任建议及被采纳情况",
        "五、年度目标完成情况",
        "六、年度考核情况",
    ]
    assert document.title == "江城市2026年信访情况年度报告"
    assert "2026年1月1日至6月30日" in document.opening[0]
    captions = [table.caption for table in document.tables]
    assert "表5 被投诉较多的单位" in captions
    assessment_table = next(t for t in document.tables if "年度考核排名" in t.caption)
    assert [row[:3] for row in assessment_table.rows] == [
        ["1", "西山区", "100.00"],
        ["2", "东湖区", "68.33"],
    ]
    # Numbered in order, each table referred to.
    assert [c.split()[0] for c in captions] == [f"表{n}" for n in range(1, len(captions) + 1)]
    from core.officialdoc import officialdoc_docx

    text = "\n".join(p.text for p in Document(io.BytesIO(officialdoc_docx(document))).paragraphs)
    assert "信访情况年度报告" in text and "特此报告。" in text
