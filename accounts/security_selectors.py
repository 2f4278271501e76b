"""Reads for the login security pages and API: a user's API tokens, the users' two-factor
state for the security administrator."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from .models import User


def api_tokens_live(*, user: User) -> QuerySet[AuthToken]:
    """The user's tokens that have not expired, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def backup_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def users_two_factor(*, q: str = "") -> QuerySet[User]:
    """Every user with `otp_enabled` (a confirmed authenticator) and `backup_codes_left`, their
    unit and roles (groups prefetched), by username; `q` filters on username or name."""
    codes = (
        StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
        .order_by()
        .values("device__user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    users = (
        User.objects.select_related("org_unit")
        .prefetch_related("groups")
        .annotate(
            otp_enabled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            backup_codes_left=Subquery(codes),
        )
        .order_by("username")
    )
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q)
        )
    return users
