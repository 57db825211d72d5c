"""Who may sweep stuck steps: the original's scheduler (its header secret) or an admin."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from apps.accounts.authentication import SCHEDULER
from apps.core.api.permissions import is_admin_request


class IsSchedulerOrAdmin(permissions.BasePermission):
    message = "Scheduler secret or admin access required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.auth == SCHEDULER or is_admin_request(request)
