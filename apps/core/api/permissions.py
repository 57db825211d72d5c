"""Who may call a route: admins (Django staff or the original's backoffice header secret)."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

if TYPE_CHECKING:
    from apps.accounts.models import User

BACKOFFICE = "backoffice"


class BackofficeSecretAuthentication(authentication.BaseAuthentication):
    """``Authorization: <BACKOFFICE_SECRET>`` (raw, as the original's admin scripts send it).

    Runs before token authentication so the secret is not mistaken for a malformed JWT. The
    request stays anonymous; ``request.auth == "backoffice"`` marks it.
    """

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        secret = settings.ADMIN_SECRET
        header = request.headers.get("Authorization", "")
        if secret and header and hmac.compare_digest(header.encode(), secret.encode()):
            return AnonymousUser(), BACKOFFICE
        return None

    def authenticate_header(self, request: Request) -> str:
        """DRF answers 401 (not 403) to an anonymous request only when the first class names a
        scheme; this class runs first, so it names the token scheme clients should use."""
        return "Token"


def is_admin_request(request: Request) -> bool:
    return request.auth == BACKOFFICE or bool(getattr(request.user, "is_staff", False))


class IsAdmin(permissions.BasePermission):
    """Admin routes: a Django staff user, or the backoffice secret header."""

    message = "Admin access required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_admin_request(request)


def request_user(request: Request) -> User:
    """The authenticated ``User`` of a request behind ``IsAuthenticated`` (typed for callers)."""
    # core sits below accounts: the user model is resolved at call time, not at import.
    from apps.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user
