"""drf-spectacular description of the service header secrets (scheduler, web app)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ServiceSecretScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.ServiceSecretAuthentication"
    name = "service"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Service routes: MOJODEX_SCHEDULER_SECRET or MOJODEX_WEBAPP_SECRET, sent raw.",
        }
