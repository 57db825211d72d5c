"""Provider files: ``MOJODEX_MODELS_CONF``, ``MOJODEX_EMBEDDING_CONF``, ``MOJODEX_STT_CONF``.

Each file is a JSON object whose keys are the original ``models.conf`` sections
(``"<provider>/<model>"``, in order of preference) and whose values hold that section's keys, the
original's names accepted as they are (``OPENAI_API_KEY``, ``GPT4O_AZURE_OPENAI_API_BASE``,
``MISTRAL_API_KEY``, ``OLLAMA_ENDPOINT``, ``WHISPER_AZURE_VERSION`` …, any case). An INI file in the
original's format is read too. Generic keys work for every provider: ``api_key``, ``base_url``,
``api_version``, ``deployment``, ``api_model`` (name sent to the API), ``timeout``,
``connect_timeout``, ``max_retries``, ``fallback`` (list of section names tried after this one),
``input_cost_per_1m`` / ``output_cost_per_1m`` (currency units per million tokens; cost per
audio minute: ``cost_per_minute``), ``dimensions`` (embeddings). See docs/llm.md.

Files are parsed once per process and re-read when their modification time changes.
"""

from __future__ import annotations

import configparser
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mojodex import guards

PROVIDERS = {"openai", "azure", "mistral", "ollama", "fake", "local"}
MISTRAL_BASE_URL = "https://api.mistral.ai/v1"
OLLAMA_API_KEY = "ollama"  # Ollama ignores the key, the client needs one


@dataclass(frozen=True)
class ProviderConfig:
    """One section of a provider file."""

    section: str
    provider: str
    model: str
    api_model: str
    api_key: str = ""
    base_url: str = ""
    api_version: str = ""
    deployment: str = ""
    azure_client: bool = False
    timeout: float | None = None
    connect_timeout: float | None = None
    max_retries: int | None = None
    fallback: tuple[str, ...] = ()
    input_cost_per_1m: Decimal | None = None
    output_cost_per_1m: Decimal | None = None
    cost_per_minute: Decimal | None = None
    dimensions: int | None = None
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_fake(self) -> bool:
        return self.provider in {"fake", "local"}

    def serves(self, model: str) -> bool:
        """Whether this section answers for ``model`` (the fake provider answers for any model)."""
        return self.is_fake or self.model == model


def _find(keys: dict[str, Any], exact: tuple[str, ...], suffixes: tuple[str, ...] = ()) -> str:
    for name in exact:
        if keys.get(name) not in (None, ""):
            return str(keys[name])
    for name, value in keys.items():
        if value not in (None, "") and any(name.endswith(suffix) for suffix in suffixes):
            return str(value)
    return ""


def _number(source: str, section: str, key: str, value: Any, kind: type) -> Any:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)) if kind is Decimal else kind(value)
    except (TypeError, ValueError, InvalidOperation):
        raise ImproperlyConfigured(f"{source}: [{section}] {key} must be a number, got {value!r}") from None


def _with_v1(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/v1") else f"{url}/v1"


def parse_section(source: str, section: str, raw: dict[str, Any]) -> ProviderConfig:
    """Build one ``ProviderConfig`` from a section name and its keys (original names accepted)."""
    provider, sep, model = section.partition("/")
    provider = provider.strip().lower()
    model = model.strip()
    if not sep or not provider or not model:
        raise ImproperlyConfigured(f"{source}: section {section!r} must be named '<provider>/<model>'")
    if provider not in PROVIDERS:
        allowed = ", ".join(sorted(PROVIDERS))
        raise ImproperlyConfigured(f"{source}: [{section}] unknown provider {provider!r} (one of {allowed})")
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{source}: [{section}] must map keys to values")
    keys = {str(k).strip().lower(): v for k, v in raw.items()}

    api_key = _find(keys, ("api_key", "openai_api_key", "mistral_api_key"), ("_openai_key", "_api_key"))
    base_url = _find(keys, ("base_url", "endpoint", "ollama_endpoint"), ("_api_base",))
    api_version = _find(keys, ("api_version", "whisper_azure_version"), ("_api_version",))
    deployment = _find(keys, ("deployment", "deployment_id"), ("_deployment_id",))
    azure_client = False
    if provider == "azure":
        # Azure OpenAI deployments go through AzureOpenAI; Mistral on Azure (MISTRAL_AZURE_API_BASE,
        # no api version) is a plain OpenAI-compatible endpoint.
        azure_client = bool(api_version) or "mistral_azure_api_base" not in keys
        if azure_client and not (base_url and api_version):
            raise ImproperlyConfigured(f"{source}: [{section}] needs its *_API_BASE and *_API_VERSION keys")
        if not azure_client:
            base_url = _with_v1(base_url)
    elif provider == "mistral":
        base_url = base_url or MISTRAL_BASE_URL
    elif provider == "ollama":
        if not base_url:
            raise ImproperlyConfigured(f"{source}: [{section}] needs OLLAMA_ENDPOINT")
        base_url = _with_v1(base_url)
        api_key = api_key or OLLAMA_API_KEY
    if provider in {"openai", "azure", "mistral"} and not api_key:
        raise ImproperlyConfigured(f"{source}: [{section}] has no API key")

    fallback = keys.get("fallback") or ()
    if isinstance(fallback, str):
        fallback = [item.strip() for item in fallback.split(",") if item.strip()]
    if not isinstance(fallback, list | tuple) or not all(isinstance(item, str) for item in fallback):
        raise ImproperlyConfigured(f"{source}: [{section}] fallback must be a list of section names")

    max_retries = _number(source, section, "max_retries", keys.get("max_retries"), int)
    if max_retries is not None and max_retries < 0:
        raise ImproperlyConfigured(f"{source}: [{section}] max_retries must be >= 0")
    known = {
        "api_key", "base_url", "endpoint", "api_version", "deployment", "deployment_id", "api_model",
        "timeout", "connect_timeout", "max_retries", "fallback", "input_cost_per_1m", "output_cost_per_1m",
        "cost_per_minute", "dimensions",
    }  # fmt: skip
    return ProviderConfig(
        section=f"{provider}/{model}",
        provider=provider,
        model=model,
        api_model=str(keys.get("api_model") or model),
        api_key=api_key,
        base_url=base_url,
        api_version=api_version,
        deployment=deployment or model,
        azure_client=azure_client,
        timeout=_number(source, section, "timeout", keys.get("timeout"), float),
        connect_timeout=_number(source, section, "connect_timeout", keys.get("connect_timeout"), float),
        max_retries=max_retries,
        fallback=tuple(fallback),
        input_cost_per_1m=_number(source, section, "input_cost_per_1m", keys.get("input_cost_per_1m"), Decimal),
        output_cost_per_1m=_number(source, section, "output_cost_per_1m", keys.get("output_cost_per_1m"), Decimal),
        cost_per_minute=_number(source, section, "cost_per_minute", keys.get("cost_per_minute"), Decimal),
        dimensions=_number(source, section, "dimensions", keys.get("dimensions"), int),
        options={k: v for k, v in keys.items() if k not in known and not k.endswith(("_key", "_api_base"))},
    )


def _read_sections(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"{path} is not readable: {exc}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{path} is not valid JSON: {exc}") from None
        return list(data.items())
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise ImproperlyConfigured(f"{path} is neither JSON nor INI: {exc}") from None
    return [(name, dict(parser[name])) for name in parser.sections()]


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int) -> tuple[ProviderConfig, ...]:
    sections = [parse_section(path, name, raw) for name, raw in _read_sections(Path(path))]
    names = [s.section for s in sections]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ImproperlyConfigured(f"{path}: duplicate sections {sorted(duplicates)}")
    for entry in sections:
        unknown = [name for name in entry.fallback if name not in names]
        if unknown:
            raise ImproperlyConfigured(f"{path}: [{entry.section}] fallback names unknown sections {unknown}")
    return tuple(sections)


def load_file(path: Path | str | None) -> tuple[ProviderConfig, ...]:
    """The sections of a provider file, in file order (empty when ``path`` is None)."""
    if path is None:
        return ()
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise ImproperlyConfigured(f"{path} is not readable: {exc}") from None
    return _load(str(path), mtime)


FAKE_CHAT = ProviderConfig(section="fake/fake", provider="fake", model="fake", api_model="fake")
LOCAL_EMBEDDING = ProviderConfig(section="local/hashing", provider="local", model="hashing", api_model="hashing")
FAKE_STT = ProviderConfig(section="fake/whisper", provider="fake", model="whisper", api_model="whisper")


def _configured_or_fake(setting: str, path: Path | None, fake: ProviderConfig) -> tuple[ProviderConfig, ...]:
    """The file's sections; the offline stand-in only when ``MOJODEX_FAKE_PROVIDERS`` chose it."""
    if path is not None:
        return load_file(path)
    if settings.LLM_FAKE_PROVIDERS:
        return (fake,)
    raise ImproperlyConfigured(guards.unconfigured_providers_message([setting]))


def chat_providers() -> tuple[ProviderConfig, ...]:
    """Chat models in order of preference."""
    return _configured_or_fake("MOJODEX_MODELS_CONF", settings.LLM_MODELS_CONF, FAKE_CHAT)


def embedding_providers() -> tuple[ProviderConfig, ...]:
    return _configured_or_fake("MOJODEX_EMBEDDING_CONF", settings.LLM_EMBEDDING_CONF, LOCAL_EMBEDDING)


def stt_providers() -> tuple[ProviderConfig, ...]:
    return _configured_or_fake("MOJODEX_STT_CONF", settings.LLM_STT_CONF, FAKE_STT)


def providers_in_use() -> dict[str, list[str]]:
    """The sections each kind would try, in order: what ``/health`` reports."""
    return {
        "llm": [entry.section for entry in chat_providers()],
        "embedder": [entry.section for entry in embedding_providers()],
        "transcriber": [entry.section for entry in stt_providers()],
    }
