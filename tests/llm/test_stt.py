"""Speech-to-text through the Whisper API of the fake server."""

from __future__ import annotations

import pytest

from apps.llm import audio as audio_decoder
from apps.llm import services, stt
from apps.llm.models import LLMCall
from apps.llm.stt import audio_chunks, vocabulary_prompt, wav_duration
from tests.audio_samples import encode, make_wav, wav_declaring_1_hz, wav_declaring_4_gb
from tests.llm.conftest import ScriptedReply


def test_it_returns_the_text_and_sends_the_vocabulary(db, fake_openai, owner, tmp_path):
    audio = tmp_path / "voice.m4a"
    recording = encode(1, "ipod", "aac")
    audio.write_bytes(recording)
    fake_openai.script(ScriptedReply(endpoint="transcriptions", text=" Meeting with Acme at Hoomano. ", duration=12.5))

    text = services.transcribe(audio, ["Hoomano", "Acme"], user_id=owner.pk, execution_pk=42, task_name="minutes")

    assert text == "Meeting with Acme at Hoomano."
    request = fake_openai.requests_for("transcriptions")[0]
    assert request.form["prompt"] == "Hoomano, Acme"
    assert request.form["model"] == "whisper-1"
    assert request.form["response_format"] == "verbose_json"
    assert request.files["file"] == ("voice.m4a", recording)
    call = LLMCall.objects.get()
    assert (call.kind, call.user_id, call.audio_seconds, call.user_task_execution_pk, call.task_name_for_system) == (
        "transcription",
        owner.pk,
        12.5,
        42,
        "minutes",
    )


def test_no_vocabulary_sends_no_prompt(db, fake_openai):
    services.transcribe(("memo.mp3", encode(1, "mp3", "mp3")))

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

    result = services.transcribe_detailed(("a.wav", make_wav(4)))

    assert result.text == "Hello. Bye."
    assert result.duration == 4.0
    assert [(s.start, s.end, s.text) for s in result.segments] == [(0.0, 1.5, "Hello."), (1.5, 4.0, "Bye.")]


def test_a_long_recording_is_decoded_into_chunks_of_the_chunk_length(db, fake_openai, monkeypatch):
    monkeypatch.setattr(stt, "CHUNK_SECONDS", 60)
    fake_openai.script(
        ScriptedReply(endpoint="transcriptions", text="Part one.", duration=60.0),
        ScriptedReply(endpoint="transcriptions", text="Part two.", duration=60.0),
        ScriptedReply(endpoint="transcriptions", text="Part three.", duration=30.0),
    )

    result = services.transcribe_detailed(("long.wav", make_wav(150)))

    requests = fake_openai.requests_for("transcriptions")
    assert [wav_duration(r.files["file"][1]) for r in requests] == [60.0, 60.0, 30.0]
    assert result.text == "Part one. Part two. Part three."
    assert [(s.start, s.end) for s in result.segments] == [(0.0, 60.0), (60.0, 120.0), (120.0, 150.0)]
    assert LLMCall.objects.get().audio_seconds == 150.0


def test_a_wav_declaring_1_hz_is_refused_without_any_transcription_call(db, fake_openai):
    with pytest.raises(audio_decoder.AudioRejected, match="sample rate 1 Hz"):
        services.transcribe_detailed(("slow.wav", wav_declaring_1_hz()))

    assert fake_openai.requests_for("transcriptions") == []


def test_a_chunk_declaring_4_gb_is_cut_by_its_real_duration(db, fake_openai, monkeypatch):
    monkeypatch.setattr(stt, "CHUNK_SECONDS", 60)

    services.transcribe_detailed(("big.wav", wav_declaring_4_gb(130)))

    requests = fake_openai.requests_for("transcriptions")
    assert [wav_duration(r.files["file"][1]) for r in requests] == [60.0, 60.0, 10.0]


def test_the_calls_are_bounded_by_the_maximum_duration(db, fake_openai, monkeypatch, settings):
    monkeypatch.setattr(stt, "CHUNK_SECONDS", 60)
    settings.AUDIO_MAX_SECONDS = 100

    services.transcribe_detailed(("long.wav", make_wav(300)))

    requests = fake_openai.requests_for("transcriptions")
    assert [wav_duration(r.files["file"][1]) for r in requests] == [60.0, 40.0]


@pytest.mark.parametrize(
    "name, content", [("noise.wav", bytes(range(256)) * 40), ("image.mp3", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)]
)
def test_non_audio_is_refused_without_any_transcription_call(db, fake_openai, name, content):
    with pytest.raises(audio_decoder.AudioRejected):
        services.transcribe_detailed((name, content))

    assert fake_openai.requests_for("transcriptions") == []


def test_a_short_recording_is_sent_whole_and_a_long_one_as_16_khz_wav():
    short = make_wav(5)

    assert audio_chunks(short, 60) == [short]
    chunks = audio_chunks(encode(3, "mp3", "mp3"), 1)
    assert [wav_duration(chunk) for chunk in chunks] == [1.0, 1.0, 1.0]


def test_a_transcription_server_error_is_retried(db, fake_openai):
    fake_openai.script(ScriptedReply(endpoint="transcriptions", status=502), ScriptedReply(endpoint="transcriptions"))

    assert services.transcribe(("x.wav", make_wav(1))) == "Transcription of x.wav."
    assert len(fake_openai.requests_for("transcriptions")) == 2


def test_without_a_provider_the_fake_transcriber_answers_offline(db, offline_llm, no_network):
    audio = make_wav(2)

    result = services.transcribe_detailed(("note.wav", audio))

    assert result.text == f"(offline transcription of note.wav, {len(audio)} bytes)"
    assert result.duration == 2.0
    assert no_network == []
