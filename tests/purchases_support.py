"""Fixtures and builders of the accounts, products and notifications tests.

Imported by ``tests/{accounts,products,notifications}/conftest.py``. Tasks go to the real broker;
the ``broker`` fixture (tests/broker.py) reads back what was enqueued.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from rest_framework.test import APIClient

from apps.products import services
from apps.products.models import (
    Product,
    ProductCategory,
    ProductCategoryDisplayedData,
    ProductDisplayedData,
    ProductTask,
    Purchase,
)

BACKOFFICE_SECRET = "bo-secret-for-tests"
SCHEDULER_SECRET = "scheduler-secret-for-tests"
WEBAPP_SECRET = "webapp-secret-for-tests"


# --- builders -------------------------------------------------------------------------------------


def make_category(label: str = "sales", *, visible: bool = True, goal: str = "sell more") -> ProductCategory:
    category = ProductCategory.objects.create(label=label, emoji="💼", implicit_goal=goal, visible=visible)
    ProductCategoryDisplayedData.objects.create(
        product_category=category, language_code="en", name_for_user=label.title(), description_for_user="For " + label
    )
    return category


def make_product(
    label: str,
    *,
    category: ProductCategory | None = None,
    free: bool = False,
    n_days: int | None = None,
    n_tasks: int | None = None,
    tasks: tuple[Any, ...] = (),
    stripe_id: str | None = None,
    status: str = "active",
) -> Product:
    product = Product.objects.create(
        label=label,
        product_category=category,
        free=free,
        n_days_validity=n_days,
        n_tasks_limit=n_tasks,
        product_stripe_id=stripe_id,
        status=status,
    )
    ProductDisplayedData.objects.create(product=product, language_code="en", name=label.replace("_", " ").title())
    for task in tasks:
        ProductTask.objects.create(product=product, task=task)
    return product


def make_purchase(
    user: Any, product: Product, *, active: bool = True, created: datetime | None = None, **fields: Any
) -> Purchase:
    """A purchase created at ``created`` (default now); activated through the service when
    ``active`` (so user tasks are granted as in production)."""
    purchase = Purchase.objects.create(user=user, product=product, creation_date=created or timezone.now(), **fields)
    if active:
        services.activate_purchase(purchase)
        purchase.refresh_from_db()
    return purchase


def client_with_header(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=value)
    return client


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send for ``payload``."""
    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# --- identity providers -------------------------------------------------------------------------------


class SigningKey:
    """An RSA key pair published as a JWKS file (``url`` is ``file://``)."""

    def __init__(self, directory: Path, kid: str | None = None):
        self.kid = kid or uuid.uuid4().hex
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = self.private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        path = directory / f"jwks-{uuid.uuid4().hex}.json"
        path.write_text(json.dumps({"keys": [jwk]}))
        self.url = path.as_uri()

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        body = {"iat": now, "exp": now + 600, **claims}
        return jwt.encode(body, self.pem, algorithm="RS256", headers={"kid": self.kid})


class StubServer:
    """A local HTTP server answering scripted JSON: ``routes[(method, path)] = (status, body)``."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.delay = 0.0
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length).decode() if length else "",
                    }
                )
                if stub.delay:
                    time.sleep(stub.delay)
                status, body = stub.routes.get((self.command, self.path), (404, {"error": "no route"}))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttles(settings) -> Iterator[None]:
    """Generous login rates and no counts left over from earlier tests (the Redis cache persists)."""
    from django.core.cache import cache

    settings.LOGIN_THROTTLE_ACCOUNT_RATE = "1000/min"
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "1000/min"
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    for pattern in ("*throttle_login_*", "*throttle_admin_notice_*"):
        for key in client.scan_iter(match=pattern):
            client.delete(key)
    yield


@pytest.fixture
def secrets_configured(settings) -> None:
    settings.ADMIN_SECRET = BACKOFFICE_SECRET
    settings.SCHEDULER_SECRET = SCHEDULER_SECRET
    settings.WEBAPP_SECRET = WEBAPP_SECRET


@pytest.fixture
def backoffice_client(secrets_configured) -> APIClient:
    return client_with_header(BACKOFFICE_SECRET)


@pytest.fixture
def scheduler_client(secrets_configured) -> APIClient:
    return client_with_header(SCHEDULER_SECRET)


@pytest.fixture
def webapp_client(secrets_configured) -> APIClient:
    return client_with_header(WEBAPP_SECRET)


@pytest.fixture
def admin_receivers(settings) -> list[str]:
    settings.PURCHASES_EMAIL_RECEIVERS = ["ops@example.com"]
    settings.TECHNICAL_EMAIL_RECEIVERS = ["tech@example.com"]
    return settings.PURCHASES_EMAIL_RECEIVERS


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    server = StubServer()
    yield server
    server.close()


@pytest.fixture
def signing_key(tmp_path) -> Callable[..., SigningKey]:
    return lambda kid=None: SigningKey(tmp_path, kid)


@pytest.fixture
def task(db):
    from tests.factories import TaskFactory

    return TaskFactory()


@pytest.fixture
def other_task(db):
    from tests.factories import TaskFactory

    return TaskFactory()
