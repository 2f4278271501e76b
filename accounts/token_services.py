"""API tokens (django-rest-knox): issued with an expiry (API_TOKEN_TTL_DAYS), stored only as a
SHA-512 digest; the owner lists and revokes them."""

from knox.models import AuthToken
from knox.settings import knox_settings

from .models import User


def api_token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new token for `user`: the row and the token text (shown this once)."""
    return AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)


def api_token_revoke(*, user: User, token_key: str) -> int:
    """Revoke the user's token(s) whose key (the token's first characters) is `token_key`;
    the number revoked (0: none of the user's)."""
    deleted, _per_model = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted


def api_tokens_revoke_all(*, user: User) -> int:
    deleted, _per_model = AuthToken.objects.filter(user=user).delete()
    return deleted
