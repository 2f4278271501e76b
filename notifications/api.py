"""API: the user's own notifications (filled in by the notifications UI work)."""

from rest_framework import viewsets

from .models import Notification


class NotificationViewSet(viewsets.GenericViewSet):
    queryset = Notification.objects.none()
