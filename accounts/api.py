from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core import rest
from core.api_input import SlugRelatedField

from .models import OrgUnit
from .passwords import PasswordChangeRequired
from .selectors import org_unit_list


def exception_handler(exc, context):
    """The API's `EXCEPTION_HANDLER`: `core.rest.exception_handler`, and before it what is
    about logging in. A login refused by the lockout (axes flags the request it
    authenticated) is 429 with `{"detail", "code": "login_locked"}` and Retry-After, whatever
    error the view raised; an expired password or one that must be changed is 403 with its
    code."""
    request = context.get("request")
    if request is not None and getattr(request, "axes_locked_out", False):
        from .login_guard import lockout_details

        data, retry_after = lockout_details(request, getattr(request, "axes_credentials", None))
        return Response(data, status=429, headers={"Retry-After": str(retry_after)})
    if isinstance(exc, PasswordChangeRequired):
        return Response(
            {"detail": str(exc.detail), "code": exc.detail.code}, status=exc.status_code
        )
    return rest.exception_handler(exc, context)


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "level", "kind", "parent", "is_active"]


class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The org units in the caller's scope (own unit and subtree)."""

    serializer_class = OrgUnitSerializer
    lookup_field = "code"
    filterset_fields = ["level", "kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return OrgUnit.objects.none()
        return org_unit_list(user=self.request.user)
