"""The notification API: the caller's own inbox, filtered like the inbox page, and marking
read. Someone else's notification is 404, like anything outside the caller's scope."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import services
from .filters import NotificationFilter
from .models import Notification
from .selectors import notification_list, notification_of

# Ids above this are no row of ours (BigAutoField); the database would reject them.
MAX_ID = 2**63 - 1


class NotificationSerializer(serializers.ModelSerializer):
    case = serializers.CharField(
        source="case_number", read_only=True, help_text=_("Case number, if about a case.")
    )
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "case", "url", "created_at", "read", "read_at"]
        read_only_fields = fields


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))


@extend_schema_view(
    list=extend_schema(summary="The caller's notifications"),
    retrieve=extend_schema(
        summary="One of the caller's notifications",
        description="404 for a notification of someone else.",
    ),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's notifications, newest first. Filters: `kind`, `case` (case number),
    `read` (`true`/`false`), `created_after`/`created_before` (a date or a date-time)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notification.objects.none()
        return notification_list(user=self.request.user)

    def get_object(self) -> Notification:
        pk = int(self.kwargs["pk"])
        if not 0 < pk <= MAX_ID:
            raise Http404
        try:
            return notification_of(user=self.request.user, pk=pk)
        except Notification.DoesNotExist:
            raise Http404 from None

    @extend_schema(
        summary="Mark one notification read",
        description="Marking it again is harmless; 404 for a notification of someone else.",
        request=None,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(
            user=request.user, notification=self.get_object()
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all the caller's notifications read",
        description="Answers with how many were unread.",
        request=None,
        responses={200: MarkedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None)
    def read_all(self, request):
        marked = services.notifications_mark_all_read(user=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)
