"""Access tokens as the original issues them: a JWT whose ``sub`` starts with the user id.

``sub`` = ``<user_id><TOKEN_SECRET_SPLITTER><10 random chars><ISO time>``, ``exp`` = now + 180 days
(``TOKEN_VALIDITY_DAYS``), signed with ``JWT_SECRET`` using ``ENCODING_ALGORITHM``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings


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


def issue_token(user_id: str, *, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    subject = f"{user_id}{settings.TOKEN_SECRET_SPLITTER}{secrets.token_hex(5)}{now.isoformat()}"
    claims = {"iat": now, "exp": now + timedelta(days=settings.TOKEN_VALIDITY_DAYS), "sub": subject}
    return jwt.encode(claims, settings.JWT_SECRET, algorithm=settings.JWT_ALGORITHM)


def user_id_from_token(token: str | None) -> str:
    """The user id a token names; raises a ``TokenError`` saying why it cannot be used."""
    if not token:
        raise MissingToken()
    try:
        claims = jwt.decode(token, settings.JWT_SECRET, algorithms=[settings.JWT_ALGORITHM])
    except jwt.ExpiredSignatureError:
        raise ExpiredToken() from None
    except jwt.PyJWTError:
        raise InvalidToken() from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise InvalidToken()
    return subject.split(settings.TOKEN_SECRET_SPLITTER)[0]
