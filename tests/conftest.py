"""Shared fixtures: users, authenticated API clients, real processes (Celery worker, daphne)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.tokens import issue_token

pytest_plugins = ["tests.processes"]


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("alice@example.com", "alice-password-1", name="Alice")


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user("bob@example.com", "bob-password-1", name="Bob")


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("admin@example.com", "admin-password-1", name="Admin")


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=issue_token(user.pk))
    return client


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_client(user: User) -> APIClient:
    return client_for(user)


@pytest.fixture
def other_client(other_user: User) -> APIClient:
    return client_for(other_user)


@pytest.fixture
def admin_client(admin_user: User) -> APIClient:
    return client_for(admin_user)


@pytest.fixture
def fake_llm(db, settings):
    """The offline fake LLM (no provider files: fake chat, hashing embedder, fake transcriber).

    The fixture's value queues exact replies for the next fake chat calls, first in first out:
    ``fake_llm("<execution><title>T</title><draft>D</draft></execution>")``. Unscripted calls follow
    the fake's tag-protocol rules (docs/llm.md). The queue lives in Redis, so worker processes see it.
    """
    from apps.llm import fake

    settings.LLM_MODELS_CONF = None
    settings.LLM_EMBEDDING_CONF = None
    settings.LLM_STT_CONF = None
    settings.LLM_FAKE_TOKEN_DELAY_MS = 0
    fake.clear_script()
    yield fake.script_replies
    fake.clear_script()


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """Tests marked ``external`` (the long API fuzz run) run only when selected with ``-m``
    naming them, as ``make test-external`` does; a plain ``pytest`` skips them."""
    if "external" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="external: run with -m external (make test-external)")
    for item in items:
        if "external" in item.keywords:
            item.add_marker(skip)
