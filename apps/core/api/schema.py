"""drf-spectacular descriptions of the project's authentication schemes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.accounts.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "The access token (JWT) returned by POST /user, sent raw as the original does "
            "(`Authorization: <token>`); `Bearer <token>` is accepted too.",
        }


class BackofficeSecretScheme(OpenApiAuthenticationExtension):
    target_class = "apps.core.api.permissions.BackofficeSecretAuthentication"
    name = "backoffice"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Admin routes: the BACKOFFICE_SECRET value, sent raw (Django staff tokens work too).",
        }
