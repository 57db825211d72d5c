"""Public API of the LLM layer. Other apps import from here only.

    from apps.llm import services

    prompt = services.render_prompt("chat/task_run", **values)
    result = services.chat(prompt, conversation=messages, user_id=user.pk, task_name="write_email",
                           execution_pk=execution.pk, on_token=lambda token, text: stop_requested())
    result.text, result.tokens_in, result.tokens_out, result.duration, result.stopped

    data = services.chat_json(services.render_prompt("todos/extract_todos", **values), required_keys=["todos"])
    vectors = services.embed(["first text", "second text"], user_id=user.pk, label="document_chunk")
    text = services.transcribe("/path/voice.wav", vocabulary=["Hoomano", "Acme"], user_id=user.pk)

Errors: ``apps.llm.errors`` — Celery tasks put ``RETRYABLE_ERRORS`` in ``autoretry_for``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apps.llm import placeholders, tags
from apps.llm.audio import AudioRejected
from apps.llm.chat import LLMJSONError, LLMResult, Message, OnToken, chat, chat_json, parse_json_answer
from apps.llm.config import chat_providers
from apps.llm.embeddings import HashingEmbedder, embed
from apps.llm.errors import (
    RETRYABLE_ERRORS,
    LLMConfigurationError,
    LLMError,
    LLMRetryableError,
    LLMTerminalError,
    LLMTimeoutError,
)
from apps.llm.mpt import MPT
from apps.llm.stt import Segment, Transcription, transcribe, transcribe_detailed, vocabulary_prompt
from apps.llm.tokens import count_messages, count_text

__all__ = [
    "MPT",
    "RETRYABLE_ERRORS",
    "AudioRejected",
    "HashingEmbedder",
    "LLMConfigurationError",
    "LLMError",
    "LLMJSONError",
    "LLMResult",
    "LLMRetryableError",
    "LLMTerminalError",
    "LLMTimeoutError",
    "Message",
    "OnToken",
    "Segment",
    "Transcription",
    "available_models",
    "chat",
    "chat_json",
    "count_messages",
    "count_text",
    "embed",
    "parse_json_answer",
    "placeholder",
    "render_prompt",
    "tags",
    "transcribe",
    "transcribe_detailed",
    "vocabulary_prompt",
]


def render_prompt(path: str | Path, forced_model: str | None = None, **values: Any) -> MPT:
    """Load ``prompts/<path>.mpt`` with its values (rendered lazily, per selected model)."""
    return MPT(path, forced_model=forced_model, **values)


def available_models() -> list[str]:
    """Model names of the configured chat providers, in order of preference."""
    return [entry.model for entry in chat_providers()]


def placeholder(
    kind: str,
    *,
    assistant: str = "instruct",
    on_token: OnToken | None = None,
    step_seconds: float = placeholders.STEP_SECONDS,
) -> LLMResult:
    """A placeholder answer (``use_message_placeholder``/``use_draft_placeholder``), streamed like
    the original (3 characters per 0.1 s) and returned like an LLM answer (nothing recorded)."""
    text = placeholders.placeholder_text(kind, assistant)
    previous = ""

    def on_text(sent: str) -> object:
        nonlocal previous
        token, previous = sent[len(previous) :], sent
        return on_token(token, sent) if on_token is not None else None

    sent = placeholders.stream(text, on_text, step_seconds=step_seconds)
    return LLMResult(
        text=sent,
        model="placeholder",
        provider="placeholder",
        section="",
        label=f"placeholder_{kind}",
        prompt_tokens=0,
        conversation_tokens=0,
        completion_tokens=0,
        cost=None,
        duration=0.0,
        time_to_first_token=None,
        stopped=sent != text,
        finish_reason="stopped" if sent != text else "stop",
        attempts=1,
        call_id=None,
    )
