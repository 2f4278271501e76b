from django.contrib.admin import AdminSite

from . import twofactor


class TwoFactorAdminSite(AdminSite):
    """The admin site, open only to a staff user who has passed the second factor wherever it
    applies (a device, or a role that must have one). TwoFactorMiddleware already sends such a
    user to the code or the enrolment page; this keeps the admin shut if it ever did not."""

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and twofactor.session_passed(request)
