"""Shared fixtures: the cast of users and their API clients, real processes (Celery worker, daphne).

One cast for every test directory, so "who may see what" reads the same everywhere:

- ``owner``: a signed-up user (terms accepted) who owns the data under test.
- ``member``: another signed-up user with the owner's standing (terms accepted, same language,
  same routes open to them): the neighbour who must never see or change the owner's data.
- ``stranger``: an account that registered but never accepted the terms (routes that need
  them answer 401).
- ``admin``: a superuser (Django staff), terms accepted.
- ``anonymous``: an API client without credentials.

``owner_client``, ``member_client``, ``stranger_client`` and ``admin_client`` are API clients
signed in as those users; ``client_for(user)`` signs in any other one.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.tokens import issue_token

pytest_plugins = ["tests.processes", "tests.broker"]


def _signed_up(email: str, password: str, name: str, *, accepted_terms: bool = True) -> User:
    accepted = timezone.now() if accepted_terms else None
    return User.objects.create_user(email, password, name=name, terms_and_conditions_accepted=accepted)


@pytest.fixture
def owner(db: None) -> User:
    return _signed_up("owner@example.com", "owner-password-1", "Owner")


@pytest.fixture
def member(db: None) -> User:
    return _signed_up("member@example.com", "member-password-1", "Member")


@pytest.fixture
def stranger(db: None) -> User:
    return _signed_up("stranger@example.com", "stranger-password-1", "Stranger", accepted_terms=False)


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser(
        "admin@example.com", "admin-password-1", name="Admin", terms_and_conditions_accepted=timezone.now()
    )


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=issue_token(user.pk))
    return client


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.fixture
def owner_client(owner: User) -> APIClient:
    return client_for(owner)


@pytest.fixture
def member_client(member: User) -> APIClient:
    return client_for(member)


@pytest.fixture
def stranger_client(stranger: User) -> APIClient:
    return client_for(stranger)


@pytest.fixture
def admin_client(admin: User) -> APIClient:
    return client_for(admin)


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
