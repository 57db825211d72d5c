"""Speech-to-text through Whisper-compatible APIs (``MOJODEX_STT_CONF``).

Sections like the original ``stt_models.conf``: ``openai/whisper-1`` (``OPENAI_API_KEY``) or
``azure/whisper`` (``WHISPER_AZURE_OPENAI_KEY``, ``…_API_BASE``, ``…_DEPLOYMENT_ID``,
``WHISPER_AZURE_VERSION``), in order of preference, under the shared retry/fallback policy. With
no file the offline fake transcriber answers a fixed sentence naming the file.

The vocabulary prompt is the user's words (most recent first, at most 50) joined with ", ", dropped
when longer than 244 tokens (counted with cl100k_base: p50k_base, the original's, is not bundled).
Recordings are read by a real decoder (PyAV, ``apps.llm.audio``): non-audio is refused; one whose
decoded duration is over 10 minutes is decoded into 10-minute 16 kHz WAV chunks, transcribed one by
one and joined (segment times shifted), so a lying header cannot multiply the calls.
One ``LLMCall`` row per file (kind ``transcription``, the full duration) feeds the whisper CSV.
"""

from __future__ import annotations

import io
import math
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx2
import openai
from django.conf import settings

from apps.llm import audio, costs, providers, tokens
from apps.llm import config as provider_config
from apps.llm.config import ProviderConfig
from apps.llm.models import LLMCall
from apps.llm.retry import run_with_policy

MAX_VOCABULARY_WORDS = 50
MAX_VOCABULARY_TOKENS = 244
CHUNK_SECONDS = 600
AudioInput = str | Path | bytes | IO[bytes] | tuple[str, bytes]


@dataclass
class Segment:
    start: float
    end: float
    text: str


@dataclass
class Transcription:
    text: str
    duration: float | None = None
    language: str | None = None
    segments: list[Segment] = field(default_factory=list)


def vocabulary_prompt(vocabulary: Sequence[str]) -> str | None:
    """The Whisper ``prompt`` for a user's vocabulary, or None (empty, or over 244 tokens)."""
    words = [w.strip() for w in vocabulary if w and w.strip()][:MAX_VOCABULARY_WORDS]
    if not words:
        return None
    prompt = ", ".join(words)
    return prompt if tokens.count_text(prompt) <= MAX_VOCABULARY_TOKENS else None


def read_audio(file: AudioInput) -> tuple[str, bytes]:
    """(file name, content) from a path, bytes, a (name, bytes) pair or a binary file object."""
    if isinstance(file, tuple):
        return file[0], file[1]
    if isinstance(file, bytes):
        return "audio.wav", file
    if isinstance(file, str | Path):
        path = Path(file)
        return path.name, path.read_bytes()
    name = Path(getattr(file, "name", "") or "audio").name
    return name, file.read()


def wav_duration(data: bytes) -> float | None:
    try:
        with wave.open(io.BytesIO(data)) as reader:
            return reader.getnframes() / float(reader.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError):
        return None


def audio_chunks(data: bytes, seconds: int = CHUNK_SECONDS) -> list[bytes]:
    """The recording as sent: whole when its real (decoded) duration fits one chunk, else decoded
    into 16 kHz mono WAV chunks of ``seconds`` (at most ``MOJODEX_AUDIO_MAX_SECONDS`` in all), so
    the calls are ``ceil(duration / seconds)`` whatever the header says. Non-audio raises
    ``AudioRejected``."""
    info = audio.probe(io.BytesIO(data), max_seconds=math.inf)
    if info.duration <= seconds:
        return [data]
    return audio.wav_chunks(data, seconds)


def _transcribe_chunk(config: ProviderConfig, name: str, data: bytes, prompt: str | None, language: str | None):
    if config.is_fake:
        text = f"(offline transcription of {name}, {len(data)} bytes)"
        duration = wav_duration(data)
        return Transcription(text=text, duration=duration, segments=[Segment(0.0, duration or 0.0, text)])
    timeout = float(config.timeout or settings.LLM_TIMEOUT)
    client = providers.build_client(
        config, timeout=timeout, connect_timeout=float(config.connect_timeout or settings.LLM_CONNECT_TIMEOUT)
    )
    params: dict[str, Any] = {
        "model": config.deployment if config.azure_client else config.api_model,
        "file": (name, data),
        "response_format": "verbose_json",
    }
    if prompt:
        params["prompt"] = prompt
    if language:
        params["language"] = language
    try:
        response = client.audio.transcriptions.create(**params)
    except (openai.OpenAIError, httpx2.HTTPError, TimeoutError) as exc:
        raise providers.map_error(exc, config) from exc
    finally:
        client.close()
    segments = [
        Segment(float(_get(s, "start", 0.0)), float(_get(s, "end", 0.0)), str(_get(s, "text", "")).strip())
        for s in (_get(response, "segments", None) or [])
    ]
    duration = _get(response, "duration", None)
    return Transcription(
        text=str(_get(response, "text", "")).strip(),
        duration=float(duration) if duration is not None else None,
        language=_get(response, "language", None),
        segments=segments,
    )


def _get(obj: Any, key: str, default: Any) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def transcribe_detailed(
    file: AudioInput,
    vocabulary: Sequence[str] = (),
    *,
    user_id: str | None = None,
    execution_pk: int | None = None,
    task_name: str | None = None,
    language: str | None = None,
) -> Transcription:
    """Text, duration and timestamped segments of a recording."""
    name, data = read_audio(file)
    prompt = vocabulary_prompt(vocabulary)
    chunks = audio_chunks(data, CHUNK_SECONDS)
    started = time.monotonic()

    def attempt(config: ProviderConfig, attempt_number: int) -> Transcription:
        parts = [_transcribe_chunk(config, name, chunk, prompt, language) for chunk in chunks]
        offset = 0.0
        segments: list[Segment] = []
        for index, part in enumerate(parts):
            segments.extend(Segment(s.start + offset, s.end + offset, s.text) for s in part.segments)
            offset += part.duration or wav_duration(chunks[index]) or 0.0
        durations = [p.duration for p in parts]
        total = sum(d for d in durations if d is not None) if any(d is not None for d in durations) else None
        result = Transcription(
            text=" ".join(p.text for p in parts if p.text),
            duration=total,
            language=parts[0].language if parts else None,
            segments=segments,
        )
        costs.record_call(
            costs.CallRecord(
                kind=LLMCall.Kind.TRANSCRIPTION,
                config=config,
                user_id=user_id,
                user_task_execution_pk=execution_pk,
                task_name_for_system=task_name,
                label="transcription",
                audio_seconds=total,
                cost=costs.audio_cost(config, total),
                duration=time.monotonic() - started,
                attempt=attempt_number,
            )
        )
        return result

    def on_error(config: ProviderConfig, attempt_number: int, exc: Exception) -> None:
        costs.record_call(
            costs.CallRecord(
                kind=LLMCall.Kind.TRANSCRIPTION,
                config=config,
                user_id=user_id,
                user_task_execution_pk=execution_pk,
                task_name_for_system=task_name,
                label="transcription",
                status=LLMCall.Status.ERROR,
                attempt=attempt_number,
                error=str(exc),
            )
        )

    return run_with_policy(provider_config.stt_providers(), attempt, on_error=on_error)


def transcribe(file: AudioInput, vocabulary: Sequence[str] = (), **kwargs: Any) -> str:
    """The text of a recording (see ``transcribe_detailed``)."""
    return transcribe_detailed(file, vocabulary, **kwargs).text
