"""OpenAI-compatible chat providers: OpenAI, Azure OpenAI, Mistral, Ollama (all via ``openai``).

A client is built per call from the provider section (no module-level client): the SDK's own
retries are off (``max_retries=0``) because ``services`` owns the retry/fallback policy, and every
request has a connect and a total timeout. The SDK's exceptions are mapped to ``apps.llm.errors``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from apps.llm.config import ProviderConfig
from apps.llm.errors import (
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServerError,
    LLMTerminalError,
    LLMTimeoutError,
)

OnDelta = Callable[[str], bool]


@dataclass
class ChatRequest:
    messages: list[dict[str, Any]]
    temperature: float
    max_tokens: int
    user_id: str | None = None
    json_format: bool = False
    label: str = ""
    values: dict[str, Any] | None = None  # the MPT's values (read by the fake provider only)
    timeout: float = 120.0
    connect_timeout: float = 10.0


@dataclass
class ProviderReply:
    text: str
    finish_reason: str | None = None
    stopped: bool = False
    time_to_first_token: float | None = None


def build_client(config: ProviderConfig, *, timeout: float, connect_timeout: float) -> openai.OpenAI:
    """A fresh SDK client for one provider section (close it after use)."""
    limits = openai.Timeout(timeout, connect=connect_timeout)
    if config.azure_client:
        return openai.AzureOpenAI(
            api_key=config.api_key,
            azure_endpoint=config.base_url,
            api_version=config.api_version,
            azure_deployment=config.deployment,
            timeout=limits,
            max_retries=0,
        )
    return openai.OpenAI(
        api_key=config.api_key or "unused",
        base_url=config.base_url or None,
        timeout=limits,
        max_retries=0,
    )


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None) or {}
    raw = headers.get("retry-after")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def map_error(exc: BaseException, config: ProviderConfig, partial_text: str = "") -> LLMError:
    """The ``apps.llm.errors`` counterpart of an SDK/transport exception."""
    provider, model = config.provider, config.model
    name = f"{config.section}: {type(exc).__name__}: {exc}"
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException | TimeoutError):
        return LLMTimeoutError(name, partial_text=partial_text, provider=provider, model=model)
    if isinstance(exc, openai.APIConnectionError | httpx2.TransportError):
        return LLMConnectionError(name, partial_text=partial_text, provider=provider, model=model)
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status == 429:
            retry_after = _retry_after(exc.response)
            return LLMRateLimitError(
                name,
                status_code=status,
                retry_after=retry_after,
                partial_text=partial_text,
                provider=provider,
                model=model,
            )
        if status >= 500 or status == 408:
            return LLMServerError(name, status_code=status, partial_text=partial_text, provider=provider, model=model)
        return LLMTerminalError(name, status_code=status, provider=provider, model=model)
    if isinstance(exc, openai.OpenAIError):
        return LLMTerminalError(name, provider=provider, model=model)
    raise exc


def complete_chat(config: ProviderConfig, request: ChatRequest, on_delta: OnDelta | None) -> ProviderReply:
    """One chat completion; streamed when ``on_delta`` is given (it returns True to stop)."""
    params: dict[str, Any] = {
        "model": config.deployment if config.azure_client else config.api_model,
        "messages": request.messages,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    if (config.provider == "openai" or config.azure_client) and request.user_id:
        params["user"] = str(request.user_id)
    if request.json_format:
        params["response_format"] = {"type": "json_object"}
    started = time.monotonic()
    deadline = started + request.timeout
    client = build_client(config, timeout=request.timeout, connect_timeout=request.connect_timeout)
    text = ""
    try:
        if on_delta is None:
            completion = client.chat.completions.create(**params)
            choice = completion.choices[0] if completion.choices else None
            return ProviderReply(
                text=(choice.message.content or "") if choice else "",
                finish_reason=choice.finish_reason if choice else None,
            )
        stream = client.chat.completions.create(**params, stream=True)
        first_token_at: float | None = None
        finish_reason = None
        try:
            for chunk in stream:
                if time.monotonic() > deadline:
                    raise LLMTimeoutError(
                        f"{config.section}: stream exceeded {request.timeout}s",
                        partial_text=text,
                        provider=config.provider,
                        model=config.model,
                    )
                for choice in chunk.choices or ():
                    finish_reason = choice.finish_reason or finish_reason
                    delta = choice.delta.content if choice.delta else None
                    if not delta:
                        continue
                    if first_token_at is None:
                        first_token_at = time.monotonic()
                    text += delta
                    if on_delta(delta):
                        return ProviderReply(
                            text=text,
                            finish_reason="stopped",
                            stopped=True,
                            time_to_first_token=first_token_at - started,
                        )
        finally:
            stream.close()
        return ProviderReply(
            text=text,
            finish_reason=finish_reason,
            time_to_first_token=(first_token_at - started) if first_token_at is not None else None,
        )
    except LLMError:
        raise
    except (openai.OpenAIError, httpx2.HTTPError, TimeoutError) as exc:
        raise map_error(exc, config, partial_text=text) from exc
    finally:
        client.close()
