"""Provider files: the original's sections and keys, JSON or INI, validated."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.llm import config
from mojodex import settings as project_settings


def write(tmp_path, content, name="models.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_the_originals_sections_and_keys(tmp_path):
    path = write(
        tmp_path,
        {
            "openai/gpt-4o": {"OPENAI_API_KEY": "sk-1", "timeout": 30, "max_retries": 1},
            "azure/gpt4-turbo": {
                "GPT4_TURBO_AZURE_OPENAI_KEY": "az",
                "GPT4_TURBO_AZURE_OPENAI_API_BASE": "https://x.openai.azure.com",
                "GPT4_TURBO_AZURE_OPENAI_API_VERSION": "2024-02-01",
                "GPT4_TURBO_AZURE_OPENAI_DEPLOYMENT_ID": "turbo",
            },
            "azure/mistral-large-latest": {
                "MISTRAL_AZURE_API_KEY": "mk",
                "MISTRAL_AZURE_API_BASE": "https://m.inference.ai.azure.com",
            },
            "mistral/mistral-large-latest": {"MISTRAL_API_KEY": "ms"},
            "ollama/mistral:instruct": {"OLLAMA_ENDPOINT": "http://localhost:11434/"},
        },
    )

    entries = config.load_file(path)

    assert [(e.section, e.provider, e.model) for e in entries] == [
        ("openai/gpt-4o", "openai", "gpt-4o"),
        ("azure/gpt4-turbo", "azure", "gpt4-turbo"),
        ("azure/mistral-large-latest", "azure", "mistral-large-latest"),
        ("mistral/mistral-large-latest", "mistral", "mistral-large-latest"),
        ("ollama/mistral:instruct", "ollama", "mistral:instruct"),
    ]
    openai_, azure, azure_mistral, mistral, ollama = entries
    assert (openai_.api_key, openai_.base_url, openai_.timeout, openai_.max_retries) == ("sk-1", "", 30.0, 1)
    assert (azure.azure_client, azure.api_key, azure.base_url, azure.api_version, azure.deployment) == (
        True,
        "az",
        "https://x.openai.azure.com",
        "2024-02-01",
        "turbo",
    )
    assert (azure_mistral.azure_client, azure_mistral.base_url, azure_mistral.api_key) == (
        False,
        "https://m.inference.ai.azure.com/v1",
        "mk",
    )
    assert (mistral.base_url, mistral.api_key) == ("https://api.mistral.ai/v1", "ms")
    assert (ollama.base_url, ollama.api_key) == ("http://localhost:11434/v1", "ollama")


def test_an_ini_file_in_the_originals_format_is_read(tmp_path):
    path = write(tmp_path, "[openai/gpt-4-turbo-preview]\nOPENAI_API_KEY = sk-ini\n", "models.conf")

    (entry,) = config.load_file(path)

    assert (entry.section, entry.api_key) == ("openai/gpt-4-turbo-preview", "sk-ini")


def test_the_stt_and_embedding_keys_of_the_original(tmp_path):
    stt = write(
        tmp_path,
        {
            "azure/whisper": {
                "WHISPER_AZURE_OPENAI_KEY": "w",
                "WHISPER_AZURE_OPENAI_API_BASE": "https://w.openai.azure.com",
                "WHISPER_AZURE_OPENAI_DEPLOYMENT_ID": "whisper-dep",
                "WHISPER_AZURE_VERSION": "2024-06-01",
            }
        },
        "stt.json",
    )
    embedding = write(
        tmp_path,
        {
            "azure/text-embedding-ada-002": {
                "ADA_EMBEDDING_AZURE_OPENAI_KEY": "e",
                "ADA_EMBEDDING_AZURE_OPENAI_API_BASE": "https://e.openai.azure.com",
                "ADA_EMBEDDING_AZURE_OPENAI_API_VERSION": "2023-05-15",
                "ADA_EMBEDDING_AZURE_OPENAI_DEPLOYMENT_ID": "ada",
            }
        },
        "embedding.json",
    )

    (whisper,) = config.load_file(stt)
    (ada,) = config.load_file(embedding)

    assert (whisper.api_key, whisper.api_version, whisper.deployment) == ("w", "2024-06-01", "whisper-dep")
    assert (ada.api_key, ada.base_url, ada.api_version, ada.deployment) == (
        "e",
        "https://e.openai.azure.com",
        "2023-05-15",
        "ada",
    )


def test_the_fakes_stand_in_for_missing_files_when_chosen(settings):
    settings.LLM_MODELS_CONF = None
    settings.LLM_EMBEDDING_CONF = None
    settings.LLM_STT_CONF = None
    settings.LLM_FAKE_PROVIDERS = True

    assert [e.section for e in config.chat_providers()] == ["fake/fake"]
    assert [e.section for e in config.embedding_providers()] == ["local/hashing"]
    assert [e.section for e in config.stt_providers()] == ["fake/whisper"]
    assert config.providers_in_use() == {
        "llm": ["fake/fake"],
        "embedder": ["local/hashing"],
        "transcriber": ["fake/whisper"],
    }


def test_a_missing_file_without_the_fakes_chosen_is_a_clear_error_per_call(settings):
    settings.LLM_MODELS_CONF = None
    settings.LLM_FAKE_PROVIDERS = False

    with pytest.raises(ImproperlyConfigured, match=r"MOJODEX_MODELS_CONF unset.*MOJODEX_FAKE_PROVIDERS=true"):
        config.chat_providers()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"openai": {"OPENAI_API_KEY": "k"}}, "must be named '<provider>/<model>'"),
        ({"anthropic/claude": {"api_key": "k"}}, "unknown provider 'anthropic'"),
        ({"openai/gpt-4o": {}}, "has no API key"),
        ({"azure/gpt-4o": {"GPT4O_AZURE_OPENAI_KEY": "k"}}, "needs its \\*_API_BASE and \\*_API_VERSION keys"),
        ({"ollama/llama3": {}}, "needs OLLAMA_ENDPOINT"),
        ({"openai/gpt-4o": {"api_key": "k", "timeout": "soon"}}, "timeout must be a number"),
        ({"openai/gpt-4o": {"api_key": "k", "max_retries": -1}}, "max_retries must be >= 0"),
        ({"openai/gpt-4o": {"api_key": "k", "fallback": ["openai/nope"]}}, "fallback names unknown sections"),
        ({"openai/gpt-4o": {"api_key": "k", "fallback": 3}}, "fallback must be a list"),
        ("[broken", "neither JSON nor INI"),
    ],
)
def test_a_malformed_file_is_improperly_configured(tmp_path, content, message):
    path = write(tmp_path, content)

    with pytest.raises(ImproperlyConfigured, match=message):
        config.load_file(path)


def test_the_file_is_read_again_when_it_changes(tmp_path):
    path = write(tmp_path, {"openai/gpt-4o": {"api_key": "k"}})
    assert [e.model for e in config.load_file(path)] == ["gpt-4o"]

    path.write_text(json.dumps({"openai/gpt-4o-mini": {"api_key": "k"}}))
    import os

    os.utime(path, ns=(1, 10**18))

    assert [e.model for e in config.load_file(path)] == ["gpt-4o-mini"]


def test_the_setting_names_an_existing_file(monkeypatch, tmp_path):
    monkeypatch.setenv("MOJODEX_MODELS_CONF", str(tmp_path / "missing.json"))

    with pytest.raises(ImproperlyConfigured, match="MOJODEX_MODELS_CONF names a missing file"):
        project_settings._llm_conf_file("MOJODEX_MODELS_CONF")

    monkeypatch.setenv("MOJODEX_MODELS_CONF", "")
    assert project_settings._llm_conf_file("MOJODEX_MODELS_CONF") is None
    present = write(tmp_path, {})
    monkeypatch.setenv("MOJODEX_MODELS_CONF", str(present))
    assert project_settings._llm_conf_file("MOJODEX_MODELS_CONF") == present


def test_the_example_config_is_valid():
    from django.conf import settings

    entries = config.load_file(settings.BASE_DIR / "docs" / "examples" / "models.conf.json")

    assert entries[0].section == "openai/gpt-4o"
    assert {e.provider for e in entries} == {"openai", "azure", "mistral", "ollama"}


def test_the_example_embedding_and_stt_configs_are_valid():
    from django.conf import settings

    examples = settings.BASE_DIR / "docs" / "examples"

    assert [e.section for e in config.load_file(examples / "embedding.conf.json")] == ["openai/text-embedding-ada-002"]
    assert [e.section for e in config.load_file(examples / "stt.conf.json")] == ["openai/whisper-1"]


def test_the_system_check_reports_a_broken_file(settings, tmp_path):
    from apps.llm.checks import check_provider_files

    settings.LLM_MODELS_CONF = write(tmp_path, {"openai/gpt-4o": {}})
    settings.LLM_EMBEDDING_CONF = None
    settings.LLM_STT_CONF = None

    errors = check_provider_files()

    assert [(e.id, e.msg) for e in errors] == [
        ("llm.E001", f"{settings.LLM_MODELS_CONF}: [openai/gpt-4o] has no API key")
    ]
