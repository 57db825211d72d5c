"""DRF authentication by the original's raw ``Authorization: <jwt>`` header (``Bearer`` accepted)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from apps.accounts.models import User
from apps.accounts.tokens import InvalidToken, TokenError, token_claims


def token_from_header(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value or None


def user_for_token(token: str | None) -> User:
    """The active user a token names, if the token was issued under the user's current token version
    (not revoked since); raises ``TokenError`` otherwise."""
    user_id, version = token_claims(token)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.token_version != version:
        raise InvalidToken()
    return user


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, str] | None:
        token = token_from_header(request.headers.get("Authorization"))
        if token is None:
            return None
        try:
            return user_for_token(token), token
        except TokenError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


SCHEDULER = "scheduler"
WEBAPP = "webapp"


class ServiceSecretAuthentication(authentication.BaseAuthentication):
    """The original's service header secrets: ``Authorization: <MOJODEX_SCHEDULER_SECRET>`` or
    ``<MOJODEX_WEBAPP_SECRET>``. The request stays anonymous; ``request.auth`` says which service
    (``"scheduler"``/``"webapp"``). An empty secret is never accepted."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, str] | None:
        header = (request.headers.get("Authorization") or "").encode()
        if not header:
            return None
        for secret, kind in ((settings.SCHEDULER_SECRET, SCHEDULER), (settings.WEBAPP_SECRET, WEBAPP)):
            if secret and hmac.compare_digest(header, secret.encode()):
                return AnonymousUser(), kind
        return None
