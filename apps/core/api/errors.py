"""JSON errors for every API failure: ``{"error": "<message>"}`` plus field details on 400."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.errors import ServiceError


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            return message if field == "non_field_errors" else f"{field}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def request_limit_error(exc: Exception) -> tuple[str, int] | None:
    """(message, status) when ``exc`` is Django refusing an oversized request (its
    ``DATA_UPLOAD_MAX_*`` limits): a client error, answered as JSON and not logged as a server error."""
    if isinstance(exc, RequestDataTooBig):
        return "request body too large", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    if isinstance(exc, TooManyFieldsSent):
        return "too many fields in the request", status.HTTP_400_BAD_REQUEST
    if isinstance(exc, TooManyFilesSent):
        return "too many files in the request", status.HTTP_400_BAD_REQUEST
    return None


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The one place an exception becomes an API answer: a service's typed error
    (``apps.core.errors.ServiceError``) with its status, DRF's own errors with theirs."""
    if isinstance(exc, ServiceError):
        if not exc.fields:
            return Response({"error": exc.message}, status=exc.status)
        # Per-field reasons answer like a serializer's 400: the first one as ``error``, all as ``fields``.
        detail = {field: reason if isinstance(reason, list) else [reason] for field, reason in exc.fields.items()}
        return Response({"error": _first_message(detail), "fields": detail}, status=exc.status)
    if limit := request_limit_error(exc):
        return Response({"error": limit[0]}, status=limit[1])
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler logs it
    if isinstance(exc, Http404):
        response.data = {"error": "Not found"}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = {"error": _first_message(exc.detail), "fields": exc.detail}
    elif isinstance(exc, exceptions.APIException):
        response.data = {"error": _first_message(exc.detail)}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = response.get("WWW-Authenticate", "Token")
    return response


def json_not_found(request: Any, exception: Exception | None = None) -> Any:
    """Unknown URL: JSON like every other API error (the web UI has its own pages)."""
    return JsonResponse({"error": "Not found"}, status=404)


def json_server_error(request: Any) -> Any:
    return JsonResponse({"error": "Internal server error"}, status=500)
