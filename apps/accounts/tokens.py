"""Access tokens as the original issues them: a JWT whose ``sub`` starts with the user id.

``sub`` = ``<user_id><TOKEN_SECRET_SPLITTER><10 random chars><ISO time>``, ``exp`` = now + 180 days
(``TOKEN_VALIDITY_DAYS``), signed with ``JWT_SECRET`` using ``ENCODING_ALGORITHM``.

Two additions to the original: ``exp`` is required (a token without it never expired), and ``ver``
is the user's ``token_version`` when the token was issued. Raising the version (password change or
reset, log out everywhere: ``revoke_tokens``) makes every earlier token invalid on the next request
or socket connect (``apps.accounts.authentication.user_for_token``). A token without ``ver`` (issued
before this existed) counts as version 0.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings
from django.db.models import F

from apps.accounts.models import User


class TokenError(Exception):
    """A token that cannot be used; ``str()`` is the message the original shows."""


class MissingToken(TokenError):
    def __init__(self) -> None:
        super().__init__("Missing token")


class ExpiredToken(TokenError):
    def __init__(self) -> None:
        super().__init__("Expired token")


class InvalidToken(TokenError):
    def __init__(self) -> None:
        super().__init__("Invalid token")


def issue_token(user_id: str, *, version: int = 0, now: datetime | None = None) -> str:
    """A token for the user, issued under ``version``: pass the user's ``token_version`` (a token of
    an older version is refused)."""
    now = now or datetime.now(UTC)
    subject = f"{user_id}{settings.TOKEN_SECRET_SPLITTER}{secrets.token_hex(5)}{now.isoformat()}"
    claims = {
        "iat": now,
        "exp": now + timedelta(days=settings.TOKEN_VALIDITY_DAYS),
        "sub": subject,
        "ver": version,
    }
    return jwt.encode(claims, settings.JWT_SECRET, algorithm=settings.JWT_ALGORITHM)


def token_claims(token: str | None) -> tuple[str, int]:
    """(user id, token version) a token names; raises a ``TokenError`` saying why it cannot be used."""
    if not token:
        raise MissingToken()
    try:
        claims = jwt.decode(
            token,
            settings.JWT_SECRET,
            algorithms=[settings.JWT_ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise ExpiredToken() from None
    except jwt.PyJWTError:
        raise InvalidToken() from None
    subject, version = claims.get("sub"), claims.get("ver", 0)
    if not isinstance(subject, str) or not subject or type(version) is not int:
        raise InvalidToken()
    return subject.split(settings.TOKEN_SECRET_SPLITTER)[0], version


def revoke_tokens(user_id: str) -> int:
    """Invalidate every token issued so far to the user; the new version (for a fresh token)."""
    User.objects.filter(pk=user_id).update(token_version=F("token_version") + 1)
    return User.objects.filter(pk=user_id).values_list("token_version", flat=True).get()
