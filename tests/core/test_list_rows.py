"""The list pages' row helpers (core.pages): `row_html` escapes as `format_html` does, and
`keyed_urls` gives the URLs `reverse` gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core.pages import keyed_urls, row_html

TEMPLATE = (
    '<tr data-n="{number}"><td title="{summary}">{summary}</td>'
    "<td>{badge}</td><td>{count}</td></tr>"
)


@pytest.mark.parametrize(
    "values",
    [
        {"number": "D1XFJ-2026-000001", "summary": "路灯不亮", "badge": "", "count": 3},
        {
            "number": '"><script>alert(1)</script>',
            "summary": "A & B's <i>“quotes”</i>",
            "badge": mark_safe('<span class="badge">已登记</span>'),
            "count": None,
        },
        {"number": gettext_lazy("Group"), "summary": "", "badge": 0, "count": -1},
    ],
)
def test_a_row_is_escaped_as_format_html_escapes_it(values):
    built = row_html(TEMPLATE, **values)
    assert isinstance(built, SafeString)
    assert built == format_html(TEMPLATE, **values)
    assert "<script>" not in built and "<i>" not in built


@pytest.mark.parametrize(
    "number", ["D1XFJ-2026-000001", "BENCHXFJ-2026-000741", "东湖-2026-1", "a b?c#d%e&f", "x~:@!"]
)
@pytest.mark.parametrize("viewname", ["cases:detail", "petitions:detail"])
def test_keyed_urls_are_those_reverse_gives(viewname, number):
    assert keyed_urls(viewname)(number) == reverse(viewname, args=[number])


def test_keyed_urls_follow_the_script_prefix():
    set_script_prefix("/xft/")
    try:
        assert keyed_urls("cases:detail")("D1-1") == "/xft/cases/D1-1/"
    finally:
        set_script_prefix("/")


def test_a_key_reverse_refuses_is_refused():
    with pytest.raises(NoReverseMatch):
        keyed_urls("cases:detail")("a/b")
