"""Start-up refusals: production never runs on a placeholder key or on silently faked providers.

Settings call these while they load, so every process (daphne, workers, beat, ``manage.py``)
stops before serving anything, with one ``ImproperlyConfigured`` message saying what to set.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The placeholder of .env.example and deploy/k8s/secret.example.yaml.
PLACEHOLDER_SECRET_KEYS = frozenset({"change-me"})
LOCAL_SECRET_KEY = "django-insecure-local-development-key-change-me"
FAKE_PROVIDERS_SETTING = "MOJODEX_FAKE_PROVIDERS"
# What each provider file names, and the offline stand-in used when the fakes are chosen.
PROVIDER_FILES = {
    "MOJODEX_MODELS_CONF": "the fake LLM",
    "MOJODEX_EMBEDDING_CONF": "the hashing embedder",
    "MOJODEX_STT_CONF": "the fake transcriber",
}


def secret_key(value: str, *, debug: bool) -> str:
    """``value`` when it is a real key; with DEBUG on, a local fallback; otherwise refuse."""
    unsafe = not value or value in PLACEHOLDER_SECRET_KEYS or value.startswith("django-insecure")
    if not unsafe:
        return value
    if debug:
        return value or LOCAL_SECRET_KEY
    what = "missing" if not value else f"the placeholder {value!r}"
    raise ImproperlyConfigured(
        f"SECRET_KEY is {what} and DEBUG is off: set SECRET_KEY (or SECRET_KEY_FILE) to a long random "
        "string, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )


def unconfigured_providers_message(missing: list[str]) -> str:
    stand_ins = ", ".join(PROVIDER_FILES[name] for name in missing)
    return (
        f"No provider configured: {', '.join(missing)} unset. Name the provider files (docs/llm.md), "
        f"or set {FAKE_PROVIDERS_SETTING}=true to use {stand_ins} (offline; for local runs and tests)."
    )


def require_providers(files: Mapping[str, Path | None], *, fakes: bool) -> None:
    """Refuse to start when a provider kind has no file and the fakes were not chosen."""
    missing = [name for name, path in files.items() if path is None]
    if missing and not fakes:
        raise ImproperlyConfigured(unconfigured_providers_message(missing))
