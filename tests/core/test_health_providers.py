"""GET /health names the providers in use: LLM, embedder, transcriber (in order of preference)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_it_names_the_fakes_the_tests_chose(admin_client):
    body = admin_client.get("/health").json()
    assert body["providers"] == {
        "ok": True,
        "llm": ["fake/fake"],
        "embedder": ["local/hashing"],
        "transcriber": ["fake/whisper"],
    }


def test_it_names_the_configured_sections(admin_client, settings, tmp_path):
    models = tmp_path / "models.json"
    models.write_text(
        json.dumps(
            {
                "openai/gpt-4o": {"OPENAI_API_KEY": "sk-test", "fallback": ["mistral/mistral-large"]},
                "mistral/mistral-large": {"MISTRAL_API_KEY": "m-test"},
            }
        )
    )
    embedding = tmp_path / "embedding.json"
    embedding.write_text(json.dumps({"openai/text-embedding-3-small": {"OPENAI_API_KEY": "sk-test"}}))
    settings.LLM_MODELS_CONF = models
    settings.LLM_EMBEDDING_CONF = embedding
    settings.LLM_FAKE_PROVIDERS = True  # the transcriber still falls back to the chosen fake

    body = admin_client.get("/health").json()
    assert body["providers"] == {
        "ok": True,
        "llm": ["openai/gpt-4o", "mistral/mistral-large"],
        "embedder": ["openai/text-embedding-3-small"],
        "transcriber": ["fake/whisper"],
    }


def test_an_unusable_provider_file_is_reported_down_with_the_reason(admin_client, settings, tmp_path):
    models = tmp_path / "models.json"
    models.write_text(json.dumps({"openai/gpt-4o": {}}))
    settings.LLM_MODELS_CONF = models

    response = admin_client.get("/health")
    assert response.status_code == 503
    assert response.json()["providers"] == {
        "ok": False,
        "error": f"ImproperlyConfigured: {models}: [openai/gpt-4o] has no API key",
    }
