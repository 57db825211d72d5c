"""Chat test fixtures: an instruct execution ready to run, offline LLM without token delay."""

from __future__ import annotations

import pytest

from apps.llm import fake
from tests.factories import ExecutionFactory
from tests.llm.conftest import fake_openai  # noqa: F401  (the fake OpenAI server fixture)


@pytest.fixture(autouse=True)
def _instant_fake_llm(settings):
    settings.LLM_MODELS_CONF = None
    settings.LLM_EMBEDDING_CONF = None
    settings.LLM_STT_CONF = None
    settings.LLM_FAKE_TOKEN_DELAY_MS = 0


@pytest.fixture
def execution(owner):
    return ExecutionFactory(user_task__user=owner)


@pytest.fixture
def scripted():
    """Exact replies for the next fake LLM calls (``scripted("<execution>...")``)."""
    fake.clear_script()
    yield fake.script_replies
    fake.clear_script()
