"""PUT /user_message with a voice file: read by a real decoder, never trusted by its header or name;
one stored file per message, none for a refused upload or a retry."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.chat.models import Message
from apps.core.user_files import session_dir
from apps.llm import audio
from tests.audio_samples import encode, make_wav, wav_declaring_1_hz, wav_declaring_4_gb
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DATE = "2026-11-24T10:15:00+01:00"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _folder(execution):
    return session_dir(execution.user_task.user_id, execution.session_id) / "user_messages_audios"


def _put(user, execution, message_id, name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    fields = {"session_id": execution.session_id, "message_id": message_id, "message_date": DATE, "file": upload}
    return client_for(user).put("/user_message", fields, format="multipart")


def _stored(execution) -> list[str]:
    folder = _folder(execution)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("slow.wav", wav_declaring_1_hz(), "file: sample rate 1 Hz is not a recording (min 4000 Hz)"),
        ("noise.wav", bytes(range(256)) * 64, "file: the file's content is not audio that can be decoded"),
        ("image.mp3", PNG, "file: the file has no audio stream"),
    ],
)
def test_it_refuses_what_is_not_a_recording_and_stores_nothing(execution, owner, name, content, error):
    response = _put(owner, execution, "m1", name, content)

    assert (response.status_code, response.json()["error"]) == (400, error)
    assert _stored(execution) == []
    assert not Message.objects.exists()


def test_it_refuses_a_recording_longer_than_the_maximum(execution, owner, settings):
    settings.AUDIO_MAX_SECONDS = 5

    response = _put(owner, execution, "m1", "long.wav", make_wav(6))

    assert (response.status_code, response.json()["error"]) == (400, "file: recording too long (max 5 seconds)")
    assert _stored(execution) == []
    assert not Message.objects.exists()


def test_a_wav_declaring_4_gb_is_read_by_its_real_content(execution, owner):
    content = wav_declaring_4_gb(3)

    response = _put(owner, execution, "m1", "big.wav", content)

    assert response.status_code == 200
    assert (_folder(execution) / response.json()["audio_file"]).read_bytes() == content
    assert audio.probe(io.BytesIO(content)).duration == 3.0


@pytest.mark.parametrize(
    "name, content, format_name, duration",
    [
        ("note.wav", make_wav(2), "wav", 2.0),
        ("note.mp3", encode(2, "mp3", "mp3"), "mp3", 2.088),  # the encoder's padding frame included
        ("note.m4a", encode(2, "ipod", "aac"), "mov,mp4,m4a,3gp,3g2,mj2", 2.064),
        ("note.webm", encode(2, "webm", "libopus", rate=48000), "matroska,webm", 2.007),  # a browser's recording
    ],
)
def test_it_accepts_real_recordings_with_their_duration(execution, owner, name, content, format_name, duration):
    info = audio.probe(io.BytesIO(content))
    assert (info.format, info.duration) == (format_name, duration)

    response = _put(owner, execution, "m1", name, content)

    assert response.status_code == 200
    assert _stored(execution) == [response.json()["audio_file"]]
    assert Message.objects.get().message["audio_file"] == response.json()["audio_file"]


def test_message_ids_with_colliding_safe_names_get_their_own_files(execution, owner):
    first, second = make_wav(1), make_wav(2)

    one = _put(owner, execution, "x/v", "a.wav", first).json()
    two = _put(owner, execution, "v", "a.wav", second).json()

    assert one["audio_file"] != two["audio_file"]
    assert _stored(execution) == sorted([one["audio_file"], two["audio_file"]])
    for message, content in ((one, first), (two, second)):
        response = client_for(owner).get("/voice", {"message_pk": message["message_pk"]})
        assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]


def test_a_retry_keeps_the_first_file_only(execution, owner):
    first = _put(owner, execution, "m1", "a.wav", make_wav(1)).json()

    again = _put(owner, execution, "m1", "a.wav", make_wav(2))

    assert again.json() == {"status": "processing"}
    assert Message.objects.get().message["audio_file"] == first["audio_file"]
    assert _stored(execution) == [first["audio_file"]]
    assert Message.objects.count() == 1


def test_a_retry_of_a_failed_message_restores_its_removed_file(execution, owner):
    first = _put(owner, execution, "m1", "a.wav", make_wav(1)).json()
    (_folder(execution) / first["audio_file"]).unlink()  # removed when the turn failed

    again = _put(owner, execution, "m1", "a.wav", make_wav(2))

    assert again.json() == {"status": "processing"}
    assert _stored(execution) == [first["audio_file"]]
    assert (_folder(execution) / first["audio_file"]).read_bytes() == make_wav(2)
