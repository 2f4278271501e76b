"""The intake page for the keyboard (issue 16 §1 B): our message for no petitioner, each
error once, the time of receipt out of the tab order, the shortcuts shown."""

from __future__ import annotations

import re

from petitions.forms import PetitionerFormSet
from tests.petitions.test_views import INTAKE_URL, intake_data, logged_in, row


def test_no_petitioner_is_our_message(reception1):
    data = intake_data(reception1, rows=[{**row(0), "petitioners-0-DELETE": "on"}])
    page = logged_in(reception1).post(INTAKE_URL, data).content.decode()
    assert page.count("请至少填写一名信访人") == 1
    assert "请至少提交" not in page
    formset = PetitionerFormSet(
        {"petitioners-TOTAL_FORMS": "0", "petitioners-INITIAL_FORMS": "0"}, prefix="petitioners"
    )
    assert not formset.is_valid()
    assert [str(e) for e in formset.non_form_errors()] == ["请至少填写一名信访人。"]


def test_each_error_is_shown_once(reception1):
    rows = [{**row(0), "petitioners-0-id_number": "123"}]
    page = (
        logged_in(reception1)
        .post(INTAKE_URL, intake_data(reception1, rows, summary=""))
        .content.decode()
    )
    errors = re.findall(r'data-field-error="([^"]+)"', page)
    assert sorted(errors) == ["petitioners-0-id_number", "summary"]
    assert page.count("身份证号码应为18位") == 1


def test_time_of_receipt_is_out_of_the_tab_order_with_a_change_button(reception1):
    page = logged_in(reception1).get(INTAKE_URL).content.decode()
    [received] = re.findall(r'<input[^>]*name="received_at"[^>]*>', page)
    assert 'tabindex="-1"' in received
    assert 'id="change-received-at"' in page and 'accesskey="t"' in page


def test_the_shortcuts_are_shown(reception1):
    page = logged_in(reception1).get(INTAKE_URL).content.decode()
    shortcuts = page[page.index('id="keyboard-shortcuts"') :]
    for key in ("T", "A", "S", "N"):
        assert f"<kbd>{key}</kbd>" in shortcuts
    for accesskey in ("t", "a", "s"):
        assert f'accesskey="{accesskey}"' in page
