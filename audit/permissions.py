from rest_framework.permissions import BasePermission

from .access import refused_petition_work


class NotAuditor(BasePermission):
    """Every API operation is petition work: refused to an auditor (403). In the default
    permission classes, so that it holds on every view that does not replace them."""

    def has_permission(self, request, view) -> bool:
        return not refused_petition_work(request.user)
