"""API tokens (django-rest-knox): issued with an expiry (API_TOKEN_TTL_DAYS), stored only as a
SHA-512 digest; the owner lists and revokes them."""

from knox.models import AuthToken
from knox.settings import knox_settings

from ..models import User, api_tokens_revoked


def api_token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new token for `user`: the row and the token text (shown this once)."""
    return AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)


def _revoked(user: User, deleted: int, reason: str) -> int:
    if deleted:
        api_tokens_revoked.send(sender=User, user=user, count=deleted, reason=reason)
    return deleted


def api_token_revoke(*, user: User, token_key: str, reason: str = "revoke") -> int:
    """Revoke the user's token(s) whose key (the token's first characters) is `token_key`;
    the number revoked (0: none of the user's)."""
    deleted, _per_model = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return _revoked(user, deleted, reason)


def api_tokens_revoke_all(*, user: User, reason: str = "logout_all") -> int:
    deleted, _per_model = AuthToken.objects.filter(user=user).delete()
    return _revoked(user, deleted, reason)


def api_tokens_purge_expired() -> int:
    """Delete every expired token (knox deletes a user's expired tokens only when that user
    next authenticates); the number deleted."""
    from django.utils import timezone

    deleted, _per_model = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
