"""What the portal tells the public, in one place for its pages and its API."""

from django.conf import settings
from django.utils.translation import gettext as _


def not_found_message() -> str:
    return _("No matter was found for this number and query code. Check both and try again.")


def locked_message() -> str:
    return _("Too many wrong query codes for this number: try again later.")


def new_code_sent_message() -> str:
    return _(
        "If this mobile number was registered with this petition, a new query code has been "
        "sent to it by text message. The old code no longer works."
    )


def renewals_used_message() -> str:
    return _("New query codes for this number are used up for today: try again tomorrow.")


def phone_code_sent_message() -> str:
    return _(
        "If this number can receive text messages, a code is on its way. It is valid for "
        "%(minutes)d minutes."
    ) % {"minutes": settings.PUBLIC_SMS_CODE_MINUTES}
