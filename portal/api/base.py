"""What every operation of the public API shares: no staff credentials read, anyone may call
it, throttled per address; the plain answer and the 429 it may give."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.middleware import without_staff_session

from ..lockout import PublicQueryThrottle


@without_staff_session
class PublicView(APIView):
    """An operation of the public portal: no staff credentials read, anyone may call it,
    throttled per address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicQueryThrottle]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


TOO_MANY = OpenApiResponse(
    description="Too many requests from this address or for this phone: try again after "
    "`Retry-After` seconds."
)
