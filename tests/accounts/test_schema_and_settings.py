"""The OpenAPI schema documents every account and purchase route; settings reject bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ROUTES = {
    "/user": {"post", "put", "delete"},
    "/password": {"put", "post"},
    "/change_password": {"post"},
    "/logout_everywhere": {"post"},
    "/terms_and_conditions": {"put"},
    "/onboarding": {"put", "get"},
    "/language": {"post", "get"},
    "/timezone": {"post"},
    "/goal": {"put"},
    "/device": {"put"},
    "/error": {"put"},
    "/company": {"put", "post"},
    "/vocabulary": {"get", "put", "post", "delete"},
    "/product_category": {"put", "post", "get"},
    "/profile_category": {"put", "post"},
    "/product": {"put", "post"},
    "/profile": {"put", "post"},
    "/product_task_association": {"put"},
    "/profile_task_association": {"put"},
    "/manual_purchase": {"put", "post"},
    "/role": {"put", "post"},
    "/purchase": {"get", "put", "post"},
    "/subscription_end": {"post"},
    "/associate_free_product": {"put"},
    "/check_expired_purchases": {"post"},
    "/is_email_service_configured": {"get"},
    "/is_push_notif_service_configured": {"get"},
}


def test_it_documents_every_route_with_request_and_response_shapes(anonymous):
    paths = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    for path, methods in ROUTES.items():
        assert set(paths[path]) >= methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation.get("summary"), (path, method)
            assert "200" in operation["responses"], (path, method)
    assert set(paths["/user"]["post"]["requestBody"]["content"]["application/json"]["schema"].values()) == {
        "#/components/schemas/Login"
    }


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LOGIN_THROTTLE_ACCOUNT_RATE", "lots", "LOGIN_THROTTLE_ACCOUNT_RATE must look like 10/min"),
        ("GOOGLE_JWKS_URL", "ftp://keys.example", "GOOGLE_JWKS_URL must be a URL with scheme"),
        ("RESET_PASSWORD_VALIDITY_MINUTES", "0", "RESET_PASSWORD_VALIDITY_MINUTES must be >= 1"),
    ],
)
def test_it_refuses_a_malformed_accounts_setting(variable, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import mojodex.settings"],
        cwd=ROOT,
        env={**os.environ, variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert message in result.stderr
