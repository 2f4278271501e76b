"""The dashboard's `.xlsx` export and the monthly report (`.docx`) against the hand-counted
month of `conftest.py`: the workbook gives the API's numbers for the same filter."""

import io
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django.utils import translation

from dashboards import selectors
from dashboards.exports import ONLINE_SHARE, TABLES, XLSX_TYPE, sheet_name
from dashboards.indicators import RATES, SPECIAL, VOLUME, WORK
from dashboards.services import rollup_rebuild, rollup_refresh
from petitions.models import Channel, ReceivedLevel

from .builders import make_case
from .conftest import D

OCTOBER = "unit=CT&from=2026-10-01&to=2026-10-31"
EXPORT = "/dashboards/export.xlsx"
REPORT = "/dashboards/report.docx"
API = "/api/v1/stats/summary/"
ID_NUMBER, MOBILE = "11010519491231002X", "13812345678"


@pytest.fixture
def city_client(client, october, city_supervisor):
    rollup_rebuild()
    client.force_login(city_supervisor)
    return client


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table_rows(ws) -> list[list]:
    """The rows under the header (row 2), up to the first empty row."""
    rows = []
    for values in ws.iter_rows(min_row=3, values_only=True):
        if all(value is None for value in values):
            break
        rows.append(list(values))
    return rows


def by_label(ws) -> dict[str, list]:
    return {row[0]: row for row in table_rows(ws)}


def label(value) -> str:
    with translation.override("zh-hans"):
        return str(value)


def cells(wb) -> list:
    return [value for ws in wb for row in ws.iter_rows(values_only=True) for value in row]


def test_workbook_gives_the_apis_numbers(city_client, october, city_leader):
    response = city_client.get(f"{EXPORT}?{OCTOBER}")
    wb = workbook(response)
    api = city_client.get(f"{API}?{OCTOBER}").json()
    assert quote("信访统计-CT-2026-10-01-2026-10-31.xlsx") in response["Content-Disposition"]
    with translation.override("zh-hans"):
        tables = [sheet_name(name) for name in TABLES.values()]
        # Then the sheets of the ledgers' sections (`dashboards.sections`).
        assert wb.sheetnames[: len(TABLES)] == tables
        assert sheet_name("矛盾纠纷排查化解") in wb.sheetnames[len(TABLES) :]

    indicators = by_label(wb[wb.sheetnames[0]])
    assert api["batches"] == 6  # the hand count, so that the comparison means something
    for indicator in VOLUME:
        key = indicator.key
        row = indicators[label(indicator.label)]
        assert row[1:8] == [
            api[key],
            None,
            None,
            api["previous"][key],
            api[f"{key}_mom"],
            api["last_year"][key],
            api[f"{key}_yoy"],
        ]
        assert isinstance(row[1], int)
        assert row[8] == label(indicator.definition)
    for indicator in RATES:
        row = indicators[label(indicator.label)]
        assert row[1] == api[indicator.key]
        assert row[2:4] == api["rate_parts"][indicator.key]
    online = indicators[label(ONLINE_SHARE.label)]
    assert online[1:4] == [api["online_share"], api["by_channel"]["online"]["batches"], 6]
    work = {"open": api["open"], "due_soon": api["due_soon"], "overdue": api["overdue"]}
    work["backlog"] = api["backlog"]["count"]
    assert [indicators[label(i.label)][1] for i in WORK] == [work[i.key] for i in WORK]
    assert work == {"open": 5, "due_soon": 1, "overdue": 1, "backlog": 2}

    channels = by_label(wb[wb.sheetnames[1]])
    for value, name in Channel.choices:
        pair = api["by_channel"][value]
        assert channels[label(name)][1:3] == [pair["batches"], pair["persons"]]
    levels = by_label(wb[wb.sheetnames[2]])
    for value, name in ReceivedLevel.choices:
        pair = api["by_level"][value]
        assert levels[label(name)][1:3] == [pair["batches"], pair["persons"]]
    special = by_label(wb[wb.sheetnames[3]])
    for indicator in SPECIAL:
        pair = api[indicator.key]
        assert special[label(indicator.label)][1:3] == [pair["batches"], pair["persons"]]

    keys = ["code", "name", "batches", "persons", "previous", "change", "last_year", "yoy"]
    categories = [row[1:] for row in table_rows(wb[wb.sheetnames[4]])]
    assert categories == [[row[key] for key in keys] for row in api["top_categories"]]
    assert len(categories) == 2
    keys = ["rank", "unit", "name", "answered", "on_time", "on_time_rate", "evaluated"]
    keys += ["satisfied", "satisfaction_rate"]
    ranking = table_rows(wb[wb.sheetnames[5]])
    assert ranking == [[row[key] for key in keys] for row in api["unit_ranking"]]
    assert [row[1] for row in ranking] == ["D1", "CTJY", "D2", "CTXFJ"]

    backlog = table_rows(wb[wb.sheetnames[6]])
    assert [row[1] for row in backlog] == [case["number"] for case in api["backlog"]["cases"]]
    assert [row[7] for row in backlog] == [None, city_leader.display_name]
    assert [row[5] for row in backlog] == [3, 0]
    trend = table_rows(wb[wb.sheetnames[7]])
    assert trend == [[p["month"], p["batches"], p["persons"]] for p in api["series"]["trend"]]


def test_workbook_layout(city_client):
    wb = workbook(city_client.get(f"{EXPORT}?{OCTOBER}"))
    ws = wb[wb.sheetnames[0]]
    title = ws["A1"].value
    assert "江城市" in title and "2026-10-01" in title and "2026-10-31" in title
    assert ws.freeze_panes == "A3"
    assert all(cell.font.bold for cell in ws[2])
    timely = next(row for row in ws.iter_rows(min_row=3) if row[1].value == 0.5)
    assert timely[1].number_format == "0.0%"
    assert ws.column_dimensions["I"].width > ws.column_dimensions["B"].width
    # No value is an empty cell, never 0 or a dash.
    ranking = wb[wb.sheetnames[5]]
    assert [row[8] for row in table_rows(ranking)] == [1.0, None, None, 0.0]


def test_backlog_sheet_holds_the_whole_ledger(city_client, october, monkeypatch):
    """The page shows the oldest rows only; the export has every backlog case."""
    ledger = selectors.backlog_ledger
    monkeypatch.setattr(
        selectors,
        "backlog_ledger",
        lambda user, unit, limit=1, unit_ids=None: ledger(
            user, unit, limit=limit, unit_ids=unit_ids
        ),
    )
    response = city_client.get(f"{EXPORT}?{OCTOBER}&table=backlog")
    rows = table_rows(workbook(response).active)
    assert [row[1] for row in rows] == [october.c10.number, october.c9.number]


def test_no_id_number_or_phone_and_no_formula(city_client, october):
    october.c9.summary = f"=HYPERLINK(1) 身份证{ID_NUMBER}，电话{MOBILE}"
    october.c9.save(update_fields=["summary"])
    wb = workbook(city_client.get(f"{EXPORT}?{OCTOBER}"))
    text = " ".join(str(value) for value in cells(wb) if value is not None)
    assert ID_NUMBER not in text and MOBILE not in text
    summary = next(
        cell
        for row in wb[wb.sheetnames[6]].iter_rows()
        for cell in row
        if cell.column == 3
        if str(cell.value).startswith("=")
    )
    assert summary.data_type == "s"

    document = report(city_client.get(f"{REPORT}?month=2026-10&unit=CT"))
    assert ID_NUMBER not in document_text(document) and MOBILE not in document_text(document)


def test_one_table(city_client):
    response = city_client.get(f"{EXPORT}?{OCTOBER}&table=ranking")
    wb = workbook(response)
    with translation.override("zh-hans"):
        assert wb.sheetnames == [sheet_name(TABLES["ranking"])]
    assert len(table_rows(wb.active)) == 4
    assert (
        quote("信访统计-CT-2026-10-01-2026-10-31-ranking.xlsx") in response["Content-Disposition"]
    )


def test_unknown_table_or_bad_dates_are_refused(city_client):
    assert city_client.get(f"{EXPORT}?{OCTOBER}&table=cases").status_code == 400
    assert city_client.get(f"{EXPORT}?unit=CT&from=2026-10-31&to=2026-10-01").status_code == 400


def test_export_queries_do_not_grow_with_the_ledger(
    city_client, october, org, django_assert_max_num_queries
):
    # 30, and the sections of the apps beside and above (`core.sections`): escalation's 2
    # (notices, joint supervisions), dispute screening's 4, the major and urgent matters' 1
    # and the backlog ledger's 4 (its counts, the candidates, the units below and their counts),
    # and the people's suggestions' 3 (its counts, the units below and their counts).
    with django_assert_max_num_queries(44) as before:
        workbook(city_client.get(f"{EXPORT}?{OCTOBER}"))
    for month in range(1, 5):
        make_case(org.d1_office, D(2026, month, 2), status="in_progress")
    rollup_refresh()  # the backlog is as of the last refresh
    with django_assert_max_num_queries(len(before.captured_queries)):
        wb = workbook(city_client.get(f"{EXPORT}?{OCTOBER}"))
    assert len(table_rows(wb[wb.sheetnames[6]])) == 6


# --- the monthly report ------------------------------------------------------------------------


def report(response) -> docx.document.Document:
    assert response.status_code == 200, response.content[:500]
    return docx.Document(io.BytesIO(response.content))


def document_text(document) -> str:
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def table_with(document, *texts: str) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        flat = {text for row in rows for text in row}
        if all(any(text in cell for cell in flat) for text in texts):
            return rows
    raise AssertionError(f"no table with {texts}")


def test_monthly_report(city_client, october, city_leader):
    response = city_client.get(f"{REPORT}?month=2026-10&unit=CT")
    document = report(response)
    assert quote("信访工作月报-CT-2026-10.docx") in response["Content-Disposition"]
    text = document_text(document)
    assert "信访工作月报" in text and "2026年第10期" in text
    assert "江城市信访工作联席会议办公室" in text and "2026年11月22日" in text
    assert "共登记群众信访6批14人次" in text
    assert "批次同比上升200.0%、环比上升500.0%" in text
    for heading in ("一、总体情况", "二、信访渠道与层级", "三、热点问题", "四、单位排名"):
        assert heading in text
    assert "五、积案台账" in text

    rates = table_with(document, "及时受理率", "50.0%")
    assert any(row[:2] == ["及时受理率", "50.0%（2/4）"] for row in rates)
    assert any(row[:2] == ["参评率", "66.7%（2/3）"] for row in rates)
    assert any(row[:2] == ["信访积案", "2"] for row in rates)
    channels = table_with(document, "网上信访", "进京")
    assert ["信访渠道", "走访", "2", "9"] in channels
    assert ["重点信访", "集体访", "1", "6"] in channels
    categories = table_with(document, "征地拆迁 › 征地补偿")
    assert categories[1] == ["1", "征地拆迁 › 征地补偿", "3", "9", "无可比数据", "上升200.0%"]
    ranking = table_with(document, "按期办结率", "东湖区")
    assert ranking[1:] == [
        ["1", "东湖区", "1", "100.0%（1/1）", "100.0%（1/1）"],
        ["2", "江城市教育局", "1", "100.0%（1/1）", "—"],
        ["3", "西山区", "1", "100.0%（1/1）", "—"],
        ["4", "江城市信访局", "1", "0.0%（0/1）", "0.0%（0/1）"],
    ]
    backlog = table_with(document, "包案领导")
    assert [row[0] for row in backlog[1:]] == [october.c10.number, october.c9.number]
    assert backlog[1][4] == "3" and backlog[2][5] == city_leader.display_name
    assert "共有信访积案2件，其中已明确包案领导1件" in text


@pytest.mark.parametrize("month", ["2026-13", "2026-12", "", "October"])
def test_report_refuses_a_bad_or_future_month(city_client, month):
    assert city_client.get(f"{REPORT}?month={month}&unit=CT").status_code == 400


def test_handler_may_not_export(client, october, handler1):
    client.force_login(handler1)
    assert client.get(f"{EXPORT}?{OCTOBER}").status_code == 403
    assert client.get(f"{REPORT}?month=2026-10").status_code == 403


def test_district_supervisor_sees_only_the_district(client, october, d1_supervisor):
    rollup_rebuild()
    client.force_login(d1_supervisor)
    city = client.get(f"{EXPORT}?{OCTOBER}")
    assert city.status_code == 400 and city["Content-Type"] != XLSX_TYPE
    city = client.get(f"{REPORT}?month=2026-10&unit=CT")
    assert city.status_code == 400 and "西山" not in city.content.decode()

    wb = workbook(client.get(f"{EXPORT}?from=2026-10-01&to=2026-10-31"))
    assert by_label(wb[wb.sheetnames[0]])[label(VOLUME[0].label)][1] == 3
    document = report(client.get(f"{REPORT}?month=2026-10"))
    text = document_text(document)
    assert "东湖区" in text and "共登记群众信访3批5人次" in text
    for figures in (" ".join(str(v) for v in cells(wb) if v is not None), text):
        assert "西山" not in figures and "江城市信访局" not in figures
