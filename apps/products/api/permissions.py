"""Who may call the service routes: admins, or the original's scheduler / web app secrets."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from apps.accounts.authentication import SCHEDULER, WEBAPP
from apps.core.api.permissions import is_admin_request


class IsAdminOrScheduler(permissions.BasePermission):
    message = "Admin or scheduler secret required"
    services: frozenset[str] = frozenset({SCHEDULER})

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_admin_request(request) or request.auth in self.services


class IsAdminOrSchedulerOrWebapp(IsAdminOrScheduler):
    message = "Admin, scheduler or web app secret required"
    services = frozenset({SCHEDULER, WEBAPP})
