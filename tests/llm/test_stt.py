"""Speech-to-text through the Whisper API of the fake server."""

from __future__ import annotations

import io
import wave

from apps.llm import services
from apps.llm.models import LLMCall
from apps.llm.stt import split_wav, vocabulary_prompt, wav_duration
from tests.llm.conftest import ScriptedReply


def make_wav(seconds: float, rate: int = 100) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(rate)
        writer.writeframes(b"\x80" * int(seconds * rate))
    return out.getvalue()


def test_it_returns_the_text_and_sends_the_vocabulary(db, fake_openai, owner, tmp_path):
    audio = tmp_path / "voice.m4a"
    audio.write_bytes(b"not really audio")
    fake_openai.script(ScriptedReply(endpoint="transcriptions", text=" Meeting with Acme at Hoomano. ", duration=12.5))

    text = services.transcribe(audio, ["Hoomano", "Acme"], user_id=owner.pk, execution_pk=42, task_name="minutes")

    assert text == "Meeting with Acme at Hoomano."
    request = fake_openai.requests_for("transcriptions")[0]
    assert request.form["prompt"] == "Hoomano, Acme"
    assert request.form["model"] == "whisper-1"
    assert request.form["response_format"] == "verbose_json"
    assert request.files["file"] == ("voice.m4a", b"not really audio")
    call = LLMCall.objects.get()
    assert (call.kind, call.user_id, call.audio_seconds, call.user_task_execution_pk, call.task_name_for_system) == (
        "transcription",
        owner.pk,
        12.5,
        42,
        "minutes",
    )


def test_no_vocabulary_sends_no_prompt(db, fake_openai):
    services.transcribe(("memo.mp3", b"data"))

    assert "prompt" not in fake_openai.requests_for("transcriptions")[0].form


def test_the_vocabulary_keeps_50_words_and_is_dropped_past_244_tokens():
    words = [f"word{i}" for i in range(60)]

    assert vocabulary_prompt(words) == ", ".join(words[:50])
    assert vocabulary_prompt(["supercalifragilistic" * 5] * 50) is None
    assert vocabulary_prompt(["", "  "]) is None


def test_segments_come_back_with_timestamps(db, fake_openai):
    fake_openai.script(
        ScriptedReply(
            endpoint="transcriptions",
            text="Hello. Bye.",
            duration=4.0,
            segments=[{"start": 0.0, "end": 1.5, "text": " Hello."}, {"start": 1.5, "end": 4.0, "text": " Bye."}],
        )
    )

    result = services.transcribe_detailed(("a.wav", b"x"))

    assert result.text == "Hello. Bye."
    assert result.duration == 4.0
    assert [(s.start, s.end, s.text) for s in result.segments] == [(0.0, 1.5, "Hello."), (1.5, 4.0, "Bye.")]


def test_a_long_wav_is_sent_in_ten_minute_chunks(db, fake_openai):
    audio = make_wav(1500)  # 25 minutes
    fake_openai.script(
        ScriptedReply(endpoint="transcriptions", text="Part one.", duration=600.0),
        ScriptedReply(endpoint="transcriptions", text="Part two.", duration=600.0),
        ScriptedReply(endpoint="transcriptions", text="Part three.", duration=300.0),
    )

    result = services.transcribe_detailed(("long.wav", audio))

    requests = fake_openai.requests_for("transcriptions")
    assert [wav_duration(r.files["file"][1]) for r in requests] == [600.0, 600.0, 300.0]
    assert result.text == "Part one. Part two. Part three."
    assert [(s.start, s.end) for s in result.segments] == [(0.0, 600.0), (600.0, 1200.0), (1200.0, 1500.0)]
    assert LLMCall.objects.get().audio_seconds == 1500.0


def test_split_wav_keeps_short_and_non_wav_content():
    short = make_wav(5)

    assert split_wav(short) == [short]
    assert split_wav(b"mp3 bytes") == [b"mp3 bytes"]


def test_a_transcription_server_error_is_retried(db, fake_openai):
    fake_openai.script(ScriptedReply(endpoint="transcriptions", status=502), ScriptedReply(endpoint="transcriptions"))

    assert services.transcribe(("x.wav", b"1")) == "Transcription of x.wav."
    assert len(fake_openai.requests_for("transcriptions")) == 2


def test_without_a_provider_the_fake_transcriber_answers_offline(db, offline_llm, no_network):
    audio = make_wav(2)

    result = services.transcribe_detailed(("note.wav", audio))

    assert result.text == f"(offline transcription of note.wav, {len(audio)} bytes)"
    assert result.duration == 2.0
    assert no_network == []
