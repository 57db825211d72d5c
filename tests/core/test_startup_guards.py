"""Production refuses unsafe defaults at start: no key, the placeholder key, unchosen fake providers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k" * 20 + "-a-real-looking-key-0123456789-abcdefghij"


def _manage_check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check` on the real settings with only the given configuration."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG"} and not k.startswith("MOJODEX_")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "mojodex.settings", "MOJODEX_VAR_DIR": str(tmp_path), **variables})
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"MOJODEX_FAKE_PROVIDERS": "true"},
            "ImproperlyConfigured: SECRET_KEY is missing and DEBUG is off: set SECRET_KEY (or SECRET_KEY_FILE)",
        ),
        (
            {"SECRET_KEY": "change-me", "MOJODEX_FAKE_PROVIDERS": "true"},
            "ImproperlyConfigured: SECRET_KEY is the placeholder 'change-me' and DEBUG is off",
        ),
        (
            {"SECRET_KEY": REAL_KEY},
            "ImproperlyConfigured: No provider configured: MOJODEX_MODELS_CONF, MOJODEX_EMBEDDING_CONF, "
            "MOJODEX_STT_CONF unset. Name the provider files (docs/llm.md), or set MOJODEX_FAKE_PROVIDERS=true",
        ),
        (
            {"SECRET_KEY": REAL_KEY, "MOJODEX_FAKE_PROVIDERS": "false", "DEBUG": "true"},
            "ImproperlyConfigured: No provider configured",
        ),
    ],
)
def test_it_refuses_to_start_with_one_message(tmp_path, variables, message):
    result = _manage_check(tmp_path, **variables)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_it_names_only_the_missing_provider_file(tmp_path):
    models = tmp_path / "models.json"
    models.write_text('{"openai/gpt-4o": {"OPENAI_API_KEY": "sk-test"}}')
    result = _manage_check(tmp_path, SECRET_KEY=REAL_KEY, MOJODEX_MODELS_CONF=str(models))
    assert result.returncode == 1
    assert "No provider configured: MOJODEX_EMBEDDING_CONF, MOJODEX_STT_CONF unset" in result.stderr
    assert "the hashing embedder, the fake transcriber" in result.stderr


@pytest.mark.parametrize(
    "variables",
    [
        {"SECRET_KEY": REAL_KEY, "MOJODEX_FAKE_PROVIDERS": "true"},
        {"DEBUG": "true", "MOJODEX_FAKE_PROVIDERS": "true"},  # local runs: a fallback key
    ],
)
def test_it_starts_with_a_real_key_or_debug_and_the_fakes_chosen(tmp_path, variables):
    result = _manage_check(tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_reads_the_key_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(REAL_KEY + "\n")
    result = _manage_check(tmp_path, SECRET_KEY_FILE=str(key_file), MOJODEX_FAKE_PROVIDERS="true")
    assert result.returncode == 0, result.stderr
