"""Operational endpoints."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.authentication import TokenAuthentication
from apps.core.services import check_health
from apps.llm.config import providers_in_use

HEALTH_SECRET_HEADER = "X-Health-Secret"

_HEALTH_BODY = inline_serializer(
    "Health",
    {
        "status": serializers.CharField(help_text='"ok" or "unavailable"'),
        "database": serializers.DictField(required=False, help_text="staff or probe secret only"),
        "redis": serializers.DictField(required=False, help_text="staff or probe secret only"),
        "broker": serializers.DictField(required=False, help_text="staff or probe secret only"),
        "workers": serializers.DictField(required=False, help_text="staff or probe secret only"),
        "providers": serializers.DictField(required=False, help_text="staff or probe secret only"),
    },
)


def _check_providers() -> dict[str, Any]:
    return {"ok": True, **providers_in_use()}


def _may_see_details(request: Request) -> bool:
    """Worker names, versions and errors help an attacker: only staff or the probe secret's holder see them."""
    secret = settings.HEALTH_SECRET
    presented = request.headers.get(HEALTH_SECRET_HEADER)
    if secret and presented is not None and hmac.compare_digest(presented.encode(), secret.encode()):
        return True
    try:
        authenticated = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:  # a bad token is just an anonymous probe here: the status code stays
        return False
    return authenticated is not None and authenticated[0].is_staff


class HealthView(APIView):
    """Reachability of database, Redis, broker and workers, and the providers in use: 200 when all are up, else 503.

    Everyone gets the status; the per-part report goes only to staff tokens or ``X-Health-Secret``
    (docs/security.md). Authentication is checked leniently so a probe never sees a 401."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        # A staff token shows the details; anyone may call. (Security requirement objects: the
        # library's ``Sequence[str]`` hint is narrower than what it accepts and emits.)
        auth=[{"token": []}, {}],  # type: ignore[list-item]
        parameters=[
            OpenApiParameter(
                HEALTH_SECRET_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="MOJODEX_HEALTH_SECRET: with it (or a staff token) the body names each part",
            )
        ],
        responses={
            200: OpenApiResponse(_HEALTH_BODY, description='all parts up; anonymous callers get {"status": "ok"}'),
            503: OpenApiResponse(
                _HEALTH_BODY,
                description='at least one part down; anonymous callers get {"status": "unavailable"}, '
                "staff and the probe secret's holder see which part",
            ),
        },
    )
    def get(self, request: Request) -> Response:
        healthy, report = check_health({"providers": _check_providers})
        body = report if _may_see_details(request) else {"status": report["status"]}
        return Response(body, status=200 if healthy else 503)
