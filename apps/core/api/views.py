"""Operational endpoints."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.services import check_health
from apps.llm.config import providers_in_use


def _check_providers() -> dict[str, Any]:
    return {"ok": True, **providers_in_use()}


class HealthView(APIView):
    """Reachability of database, Redis, broker and workers, and the providers in use: 200 when all are up, else 503."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                inline_serializer("Health", {"status": serializers.CharField()}), description="all parts up"
            ),
            503: OpenApiResponse(description="at least one part down; the body says which"),
        }
    )
    def get(self, request: Request) -> Response:
        healthy, report = check_health({"providers": _check_providers})
        return Response(report, status=200 if healthy else 503)
