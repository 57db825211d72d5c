"""WebSocket authentication: the same JWT as REST, from ``?token=`` or the Authorization header.

Browsers cannot set headers on a WebSocket, so the query string is accepted too. The consumer
decides what to do with an anonymous scope (close 4401); this middleware only resolves the user.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from apps.accounts.authentication import token_from_header, user_for_token
from apps.accounts.tokens import TokenError


@database_sync_to_async
def _resolve(token: str | None) -> tuple[Any, str | None]:
    try:
        return user_for_token(token), None
    except TokenError as exc:
        return AnonymousUser(), str(exc)


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [None])[0]
        if token is None:
            headers = dict(scope.get("headers") or [])
            raw = headers.get(b"authorization")
            token = token_from_header(raw.decode() if raw else None)
        scope = dict(scope)
        if scope.get("user") is None or not getattr(scope["user"], "is_authenticated", False):
            scope["user"], scope["auth_error"] = await _resolve(token)
        return await super().__call__(scope, receive, send)
