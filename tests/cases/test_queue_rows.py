"""A queue row (`cases.views.lists.QueueRow.html`): the markup the queue's template drew."""

from django.utils import translation

from cases.views.lists import QueueRow
from core.pages import DaysLeft


def row(**changes) -> QueueRow:
    values = {
        "number": "D1XFJ-2026-000007",
        "url": "/cases/D1XFJ-2026-000007/#clocks",
        "summary": "路灯不亮 & <b>多日</b>",
        "what": "办理",
        "unit": "东湖街道",
        "due": "2027-02-11",
        "days_left": DaysLeft(3),
        **changes,
    }
    return QueueRow(**values)


def test_a_queue_row_is_escaped_and_carries_its_days_left():
    with translation.override("zh-hans"):
        html = row().html()
    assert html.startswith('<tr data-case="D1XFJ-2026-000007">')
    assert '<a href="/cases/D1XFJ-2026-000007/#clocks" class="font-monospace">' in html
    assert "路灯不亮 &amp; &lt;b&gt;多日&lt;/b&gt;" in html
    assert '<span class="days-left text-warning-emphasis" data-days-left="3">' in html
    assert "data-due-provisional" not in html


def test_a_provisional_due_date_is_marked_and_no_days_left_is_an_empty_cell():
    with translation.override("zh-hans"):
        html = row(due_provisional=True, days_left=None).html()
    assert (
        '<td>2027-02-11 <span class="badge text-bg-warning" data-due-provisional>暂定</span></td>'
        in html
    )
    assert html.endswith("<td></td></tr>")
