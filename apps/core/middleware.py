"""Request size limits answered as JSON (413/400) before a body is read, and Django's own
refusals of oversized requests (``DATA_UPLOAD_MAX_*``) as JSON instead of an HTML 400 logged as a
server error. Limits: docs/limits.md."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core.api.errors import request_limit_error

logger = logging.getLogger(__name__)


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return JsonResponse({"error": "invalid Content-Length"}, status=400)
        multipart = (request.content_type or "").startswith("multipart/")
        limit = settings.REQUEST_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            logger.warning("request refused: body of %s bytes over %s (%s)", length, limit, request.path)
            return JsonResponse({"error": f"request body too large (max {limit} bytes)"}, status=413)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Outside DRF views (admin, web pages), the same JSON as the API's exception handler."""
        limit = request_limit_error(exception)
        if limit is None:
            return None
        logger.warning("request refused: %s (%s)", limit[0], request.path)
        return JsonResponse({"error": limit[0]}, status=limit[1])


# The web UI loads its scripts and styles from /static/ only (no inline script or style attribute),
# talks to the API and its WebSocket on the same origin, and shows images it fetched (data:/blob:).
# The access token lives in localStorage: a policy refusing any script not served by us is what
# keeps an injected string from reading it.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` on the web UI's pages (``CSP_PATH_PREFIXES``); Django 5.2
    has no built-in CSP. The admin and the API docs (inline scripts, a CDN) are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(tuple(settings.CSP_PATH_PREFIXES)):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
