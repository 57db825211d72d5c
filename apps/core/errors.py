"""Typed service errors: each carries the HTTP status the API answers with and a clear message.

Services raise them; the API's one exception handler (``apps.core.api.errors``) answers
``{"error": "<message>"}`` with ``status``. The message names the offending field
(``"email: ..."``) when one is to blame; ``fields`` (``{field: [reason]}``) adds the body's
``fields`` detail like DRF's own validation errors.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    # Per-field messages (``{"steps[0].name_for_system": "..."}``) of a bad input naming several
    # fields: the API then answers like a serializer's 400 (``{"error": ..., "fields": {...}}``).
    fields: dict[str, Any] | None = None

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields


class Invalid(ServiceError):
    """Bad input (400)."""

    status = 400


class Unauthorized(ServiceError):
    """Missing or wrong credentials where the route itself checks them (401)."""

    status = 401


class Forbidden(ServiceError):
    """Authenticated but not allowed, or an unusable link/token (403)."""

    status = 403


class Missing(ServiceError):
    """Unknown object, or another user's object (404: never reveal which)."""

    status = 404


class Conflict(ServiceError):
    """The request contradicts the current state: duplicate, already done (409)."""

    status = 409


class Unavailable(ServiceError):
    """A dependency of this route is not configured or not reachable (503)."""

    status = 503
