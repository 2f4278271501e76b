from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import rest
from core.api_input import SlugRelatedField

from .models import OrgUnit
from .passwords import PasswordChangeRequired
from .pickers import SEARCH_LIMIT, SEARCH_LIMIT_MAX, scoped_units, search_units, unit_scope_names
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


class UnitSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text=_("Part of the unit's name, or the start of its code."),
    )
    scope = serializers.ChoiceField(
        choices=[],
        required=False,
        default="visible",
        help_text=_("The picker's choices: the same units its form field accepts."),
    )
    context = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the scope depends on, e.g. the case's number."),
    )
    limit = serializers.IntegerField(min_value=1, max_value=SEARCH_LIMIT_MAX, default=SEARCH_LIMIT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = unit_scope_names()


class UnitMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    label = serializers.CharField()
    above = serializers.CharField(help_text=_("The names of the units above, nearest first."))


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

    @extend_schema(parameters=[UnitSearchQuerySerializer], responses=UnitMatchSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def search(self, request):
        """The units a picker offers as one types: those of `scope` (the same units its form
        field accepts) whose name contains `q` or whose code starts with it, at most `limit`,
        with the names above each."""
        wanted = UnitSearchQuerySerializer(data=request.query_params)
        wanted.is_valid(raise_exception=True)
        query = wanted.validated_data
        units = scoped_units(query["scope"], request.user, query["context"])
        matches = search_units(units, query.get("q", ""), limit=query["limit"])
        return Response(UnitMatchSerializer(matches, many=True).data)
