"""The API's login: tokens (django-rest-knox) for a username, password and, for a user who has a
device, the code of two-step verification; the owner's list of tokens, revoking one, logging
out (the token used) and logging out everywhere."""

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import twofactor
from ..login_guard import LoginRateThrottle
from ..selectors import api_tokens_live
from ..twofactor.services import otp_verify
from .services import api_token_issue, api_token_revoke, api_tokens_revoke_all

ENROL_ON_THE_WEB = gettext_lazy(
    "Your role requires two-step verification: set it up on the web page (Account security) "
    "before asking for an API token."
)

# Error answers: their descriptions; the body is the API's common error shape, which
# core.api_schema.add_error_responses gives every operation.
UNAUTHENTICATED = OpenApiResponse(description="No valid token or session.")
SECOND_STEP_OWED = OpenApiResponse(
    description="A web session that still owes two-step verification (code "
    "`otp_verification_required` or `otp_enrolment_required`), or failed the CSRF check.",
)


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=24,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "The 6-digit code of the authenticator app, or a backup code: required for a user "
            "who has set up two-step verification."
        ),
    )

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        if twofactor.has_any_device(user):
            code = attrs.get("otp", "")
            if not code:
                raise serializers.ValidationError(
                    {"otp": _("Enter the code of your authenticator app.")}, code="required"
                )
            if otp_verify(user=user, code=code) is None:
                raise serializers.ValidationError(
                    {"otp": _("The code is not right, or came too soon after a wrong one.")},
                    code="invalid",
                )
        elif twofactor.otp_required(user):
            raise PermissionDenied(
                {"detail": str(ENROL_ON_THE_WEB), "code": "otp_enrolment_required"}
            )
        attrs["user"] = user
        return attrs


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=gettext_lazy("Shown once: only its digest is kept."))
    expiry = serializers.DateTimeField()


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(
        source="token_key",
        read_only=True,
        help_text=gettext_lazy("The token's first characters: its name in this list."),
    )
    current = serializers.SerializerMethodField()

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]

    def get_current(self, token: AuthToken) -> bool:
        used = self.context["request"].auth
        return isinstance(used, AuthToken) and used.digest == token.digest


class TokenObtainView(APIView):
    """Log in to the API: a token for username, password and (with two-step verification) `otp`.
    Every token expires after API_TOKEN_TTL_DAYS."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # authenticate(request=...) in the serializer: the login lockout applies (429 through
    # accounts.api.exception_handler); requests are also throttled per address.
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: TokenIssuedSerializer,
            400: OpenApiResponse(
                description="Wrong username or password; `otp` missing or not right.",
            ),
            403: OpenApiResponse(
                description="The user's role requires two-step verification, not yet set up "
                "(code `otp_enrolment_required`).",
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        instance, token = api_token_issue(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        data = TokenIssuedSerializer({"token": token, "expiry": instance.expiry}).data
        return Response(data)


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens that have not expired (never the token itself), and revoking
    one; another user's tokens are not found."""

    serializer_class = TokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-f]{1,25}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return AuthToken.objects.none()
        return api_tokens_live(user=self.request.user)

    @extend_schema(
        responses={200: TokenSerializer(many=True), 401: UNAUTHENTICATED, 403: SECOND_STEP_OWED}
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Revoked."),
            401: UNAUTHENTICATED,
            403: SECOND_STEP_OWED,
            404: OpenApiResponse(description="No token of yours."),
        }
    )
    def destroy(self, request, *args, **kwargs):
        if not api_token_revoke(user=request.user, token_key=kwargs["id"]):
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request was made with."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked."), 401: UNAUTHENTICATED},
    )
    def post(self, request):
        api_token_revoke(user=request.user, token_key=request.auth.token_key, reason="logout")
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the caller (with a token or the web session)."""

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Every token of yours is revoked."),
            401: UNAUTHENTICATED,
            403: SECOND_STEP_OWED,
        },
    )
    def post(self, request):
        api_tokens_revoke_all(user=request.user)
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
