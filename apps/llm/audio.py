"""Audio read by a real decoder (PyAV/FFmpeg), never trusted by its header or its file name.

Uploads are probed in the web request (an audio stream, a sample rate a voice can have, a duration
counted from the demuxed packets and capped at ``MOJODEX_AUDIO_MAX_SECONDS``); the worker decodes
the recording into 16 kHz mono PCM WAV chunks, so the number of transcription calls follows the
real duration (``ceil(duration / chunk)``), whatever the header declares.
"""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import av
from django.conf import settings

MIN_SAMPLE_RATE = 4000  # below this nothing is speech: a header declaring 1 Hz is refused
CHUNK_RATE = 16000  # what Whisper works at; 10 minutes of 16-bit mono is 19.2 MB (< 25 MB)


class AudioRejected(Exception):
    """Content that is not a decodable audio recording, or one longer than allowed (the upload
    answers it as a 400 naming ``file``; on the worker the message fails)."""


@dataclass(frozen=True)
class AudioInfo:
    format: str
    codec: str
    sample_rate: int
    duration: float


_DECODE_ERRORS = (av.FFmpegError, ValueError, OSError, EOFError, IndexError)


def _demuxed_seconds(container: Any, stream: Any, limit: float) -> float:
    duration = 0.0
    for packet in container.demux(stream):
        if packet.duration and packet.time_base:
            duration += float(packet.duration * packet.time_base)
        if duration > limit:
            raise AudioRejected(f"recording too long (max {int(limit)} seconds)")
    return duration


def _decoded_seconds(container: Any, stream: Any, limit: float) -> float:
    duration = 0.0
    for frame in container.decode(stream):
        duration += frame.samples / float(frame.sample_rate or 1)
        if duration > limit:
            raise AudioRejected(f"recording too long (max {int(limit)} seconds)")
    return duration


def _open(source: str | IO[bytes]) -> Any:
    try:
        return av.open(source, mode="r")
    except _DECODE_ERRORS as exc:
        raise AudioRejected("the file's content is not audio that can be decoded") from exc


def probe(source: str | IO[bytes], max_seconds: float | None = None) -> AudioInfo:
    """Format and real duration (sum of demuxed packet durations) of a recording; ``AudioRejected``
    when it has no audio stream, an implausible sample rate, no audio data or is too long."""
    limit = float(settings.AUDIO_MAX_SECONDS if max_seconds is None else max_seconds)
    with _open(source) as container:
        if not container.streams.audio:
            raise AudioRejected("the file has no audio stream")
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or 0)
        if rate < MIN_SAMPLE_RATE:
            raise AudioRejected(f"sample rate {rate} Hz is not a recording (min {MIN_SAMPLE_RATE} Hz)")
        try:
            duration = _demuxed_seconds(container, stream, limit)
            if duration <= 0:  # a container whose packets carry no duration: count decoded samples
                container.seek(0)
                duration = _decoded_seconds(container, stream, limit)
        except _DECODE_ERRORS as exc:
            raise AudioRejected("the file's content is not audio that can be decoded") from exc
        if duration <= 0:
            raise AudioRejected("the file contains no audio")
        return AudioInfo(container.format.name, stream.codec_context.name, rate, round(duration, 3))


def _wav(samples: bytes) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(CHUNK_RATE)
        writer.writeframes(samples)
    return out.getvalue()


def _pcm(data: bytes) -> Iterator[bytes]:
    """16 kHz mono s16 samples of a recording, as decoded (``AudioRejected`` if it cannot be)."""
    with _open(io.BytesIO(data)) as container:
        if not container.streams.audio:
            raise AudioRejected("the file has no audio stream")
        stream = container.streams.audio[0]
        if int(stream.codec_context.sample_rate or 0) < MIN_SAMPLE_RATE:
            raise AudioRejected("the sample rate is not a recording's")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=CHUNK_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    yield bytes(out.planes[0])[: out.samples * 2]
            for out in resampler.resample(None):
                yield bytes(out.planes[0])[: out.samples * 2]
        except _DECODE_ERRORS as exc:
            raise AudioRejected("the file's content is not audio that can be decoded") from exc


def wav_chunks(data: bytes, seconds: int, max_seconds: float | None = None) -> list[bytes]:
    """The recording decoded into 16 kHz mono WAV chunks of ``seconds`` each, at most
    ``max_seconds`` in all (``MOJODEX_AUDIO_MAX_SECONDS``): ``ceil(duration / seconds)`` chunks."""
    limit = float(settings.AUDIO_MAX_SECONDS if max_seconds is None else max_seconds)
    per_chunk = seconds * CHUNK_RATE * 2
    budget = int(limit * CHUNK_RATE) * 2
    chunks: list[bytes] = []
    buffer = bytearray()
    for samples in _pcm(data):
        buffer += samples[: max(budget, 0)]
        budget -= len(samples)
        while len(buffer) >= per_chunk:
            chunks.append(_wav(bytes(buffer[:per_chunk])))
            del buffer[:per_chunk]
        if budget <= 0:
            break
    if buffer:
        chunks.append(_wav(bytes(buffer)))
    if not chunks:
        raise AudioRejected("the file contains no audio")
    return chunks


def expected_calls(duration: float, seconds: int) -> int:
    """Transcription calls for a recording of ``duration`` seconds cut into ``seconds`` chunks."""
    return max(1, math.ceil(duration / seconds))
