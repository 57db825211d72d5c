"""The scheduler's header secret (``MOJODEX_SCHEDULER_SECRET``), as the original's scheduler sends it."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, permissions
from rest_framework.request import Request

from apps.core.api.permissions import is_admin_request

SCHEDULER = "scheduler"


class SchedulerSecretAuthentication(authentication.BaseAuthentication):
    """``Authorization: <MOJODEX_SCHEDULER_SECRET>``: an anonymous request marked ``scheduler``."""

    def authenticate(self, request: Request) -> tuple[Any, str] | None:
        secret = getattr(settings, "SCHEDULER_SECRET", "")
        header = request.headers.get("Authorization", "")
        if secret and header and hmac.compare_digest(header.encode(), secret.encode()):
            return AnonymousUser(), SCHEDULER
        return None

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class IsSchedulerOrAdmin(permissions.BasePermission):
    message = "Scheduler secret or admin access required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.auth == SCHEDULER or is_admin_request(request)
