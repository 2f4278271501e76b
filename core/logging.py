import logging

from .identity import mask_personal_data


class MaskPersonalDataFilter(logging.Filter):
    """Masks ID numbers and mobile numbers in every record a handler writes: request lines
    carry query strings, and error messages may quote what a clerk typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
