"""Real recordings for tests: WAV written with ``wave``, MP3/M4A encoded with PyAV, and WAVs whose
header lies (a 1 Hz sample rate, a 4 GB data chunk)."""

from __future__ import annotations

import io
import struct
import wave

import av


def make_wav(seconds: float, rate: int = 8000) -> bytes:
    """Silence, 8-bit mono at ``rate`` Hz."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(rate)
        writer.writeframes(b"\x80" * int(seconds * rate))
    return out.getvalue()


def wav_declaring_1_hz(size: int = 1024 * 1024) -> bytes:
    """``size`` bytes of 8-bit samples whose header declares 1 Hz (~12 days of audio)."""
    data = bytearray(make_wav(size / 8000))
    data[24:28] = struct.pack("<I", 1)  # sample rate
    data[28:32] = struct.pack("<I", 1)  # byte rate
    return bytes(data)


def wav_declaring_4_gb(seconds: float) -> bytes:
    """A real ``seconds`` of 8 kHz audio whose RIFF and data chunk sizes declare about 4 GB."""
    data = bytearray(make_wav(seconds))
    data[4:8] = struct.pack("<I", 0xFFFFFFF0)
    data[40:44] = struct.pack("<I", 0xFFFFFFF0)
    return bytes(data)


def encode(seconds: float, container: str, codec: str, rate: int = 16000) -> bytes:
    """Silence encoded by FFmpeg (through PyAV): ``("mp3", "mp3")`` or ``("ipod", "aac")`` (M4A)."""
    out = io.BytesIO()
    with av.open(out, "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        samples = int(seconds * rate)
        frame_size = 1024
        for start in range(0, samples, frame_size):
            count = min(frame_size, samples - start)
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.sample_rate = rate
            frame.pts = start
            frame.planes[0].update(b"\x00" * count * 2)
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return out.getvalue()
