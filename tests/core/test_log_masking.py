import logging

from core.identity import mask_personal_data
from core.logging import MaskPersonalDataFilter


def test_id_numbers_and_mobiles_in_text_are_masked():
    text = "GET /api/v1/petitions/repeat-check/?id_number=11010519491231002X&phone=13812345678"
    masked = mask_personal_data(text)
    assert "11010519491231002X" not in masked and "13812345678" not in masked
    assert "110105********002X" in masked
    assert "138****5678" in masked


def test_other_numbers_are_left_alone():
    text = "petition JZXFJ-2026-000123 took 1234567 µs; order 202611220001"
    assert mask_personal_data(text) == text


def test_log_records_are_masked_before_they_are_written():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /?id=11010519491231002X", 200),
        None,
    )
    assert MaskPersonalDataFilter().filter(record)
    assert record.getMessage() == '"GET /?id=110105********002X" 200'


def test_the_configured_console_handler_masks(caplog, settings):
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters)
