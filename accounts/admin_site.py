from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from . import twofactor


class TwoFactorAdminSite(AdminSite):
    """The admin site, open only to a staff user who has passed the second factor wherever it
    applies (a device, or a role that must have one). TwoFactorMiddleware already sends such a
    user to the code or the enrolment page; this keeps the admin shut if it ever did not.
    Its titles name the product, not Django."""

    site_header = _("Xinfangtong administration")
    site_title = _("Xinfangtong administration")
    index_title = _("Site administration")

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and twofactor.session_passed(request)
