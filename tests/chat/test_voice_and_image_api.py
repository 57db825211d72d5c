"""GET /voice and GET|PUT /image: files of the user's own sessions only, byte ranges, checked uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.chat import files
from apps.core.user_files import session_dir
from tests.conftest import client_for
from tests.factories import MessageFactory, SessionFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
AUDIO = b"0123456789"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def session(owner):
    return SessionFactory(user=owner)


def _write(session, folder, name, content):
    path = session_dir(session.user_id, session.pk) / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(content)
    return path / name


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- GET /voice -------------------------------------------------------------------------------------------


@pytest.fixture
def voice(session):
    message = MessageFactory(session=session, message={"message_id": "c1", "audio_file": "c1.m4a", "text": "hi"})
    _write(session, "user_messages_audios", "c1.m4a", AUDIO)
    return message


def test_it_streams_a_voice_message_with_byte_ranges(voice, owner):
    response = client_for(owner).get("/voice", {"datetime": "x", "message_pk": voice.pk})
    assert response.status_code == 200
    assert (_body(response), response["Content-Type"], response["Accept-Ranges"]) == (AUDIO, "audio/mp4", "bytes")
    ranged = client_for(owner).get("/voice", {"message_pk": voice.pk}, HTTP_RANGE="bytes=2-5")
    assert ranged.status_code == 206
    assert (_body(ranged), ranged["Content-Range"], ranged["Content-Length"]) == (b"2345", "bytes 2-5/10", "4")
    tail = client_for(owner).get("/voice", {"message_pk": voice.pk}, HTTP_RANGE="bytes=-3")
    assert (_body(tail), tail["Content-Range"]) == (b"789", "bytes 7-9/10")
    outside = client_for(owner).get("/voice", {"message_pk": voice.pk}, HTTP_RANGE="bytes=10-")
    assert (outside.status_code, outside["Content-Range"]) == (416, "bytes */10")


def test_it_streams_the_assistants_speech_or_says_it_is_processing(session, owner):
    spoken = MessageFactory(session=session, sender="mojo", message={"text": "Hello"})
    client = client_for(owner)
    waiting = client.get("/voice", {"message_pk": spoken.pk})
    assert (waiting.status_code, waiting.json()) == (200, {"status": "processing"})
    _write(session, "mojo_messages_audios", f"{spoken.pk}.mp3", b"ID3")
    ready = client.get("/voice", {"message_pk": spoken.pk})
    assert (ready.status_code, _body(ready), ready["Content-Type"]) == (200, b"ID3", "audio/mpeg")


def test_it_answers_404_when_there_is_no_audio(session, owner):
    from django.utils import timezone

    text_only = MessageFactory(session=session, message={"text": "typed"})
    failed = MessageFactory(session=session, sender="mojo", message={"text": "x"}, in_error_state=timezone.now())
    for message in (text_only, failed):
        response = client_for(owner).get("/voice", {"message_pk": message.pk})
        assert response.status_code == 404
        assert response.json() == {"error": "message_pk: this message has no audio"}


def test_it_refuses_a_stored_audio_name_with_a_path(session, owner, data_dir):
    (data_dir / "secret.m4a").write_bytes(b"secret")
    message = MessageFactory(session=session, message={"audio_file": "../../../secret.m4a", "text": "x"})
    assert client_for(owner).get("/voice", {"message_pk": message.pk}).status_code == 404


def test_it_keeps_voice_messages_to_their_owner(voice, member_client, anonymous, admin, admin_client):
    assert member_client.get("/voice", {"message_pk": voice.pk}).status_code == 404
    assert anonymous.get("/voice", {"message_pk": voice.pk}).status_code == 401
    assert admin_client.get("/voice", {"message_pk": voice.pk}).status_code == 404
    own_session = SessionFactory(user=admin)
    own = MessageFactory(session=own_session, message={"audio_file": "a.wav", "text": "x"})
    _write(own_session, "user_messages_audios", "a.wav", b"RIFF")
    response = admin_client.get("/voice", {"message_pk": own.pk})
    assert (response.status_code, _body(response)) == (200, b"RIFF")


def test_it_answers_400_to_a_bad_message_pk(owner):
    response = client_for(owner).get("/voice", {"message_pk": "x"})
    assert response.status_code == 400
    assert response.json()["error"] == "message_pk: A valid integer is required."


# --- GET /image -------------------------------------------------------------------------------------------


def test_it_streams_an_image_of_the_users_session(session, owner):
    _write(session, "images", "photo.png", PNG)
    response = client_for(owner).get("/image", {"datetime": "x", "session_id": session.pk, "filename": "photo.png"})
    assert response.status_code == 200
    assert (_body(response), response["Content-Type"], response["Accept-Ranges"]) == (PNG, "image/png", "bytes")


@pytest.mark.parametrize("filename", ["../../secret.png", "images/photo.png", "/etc/passwd", ".."])
def test_it_refuses_paths_as_file_names(session, owner, data_dir, filename):
    (data_dir / "secret.png").write_bytes(PNG)
    _write(session, "images", "photo.png", PNG)
    response = client_for(owner).get("/image", {"session_id": session.pk, "filename": filename})
    assert response.status_code == 400
    assert response.json()["error"] == "filename: must be a plain file name"


def test_it_answers_404_for_a_missing_image(session, owner):
    response = client_for(owner).get("/image", {"session_id": session.pk, "filename": "nothing.png"})
    assert response.status_code == 404
    assert response.json() == {"error": "filename: not found"}


def test_it_keeps_images_to_their_owner(session, member, member_client, anonymous):
    _write(session, "images", "photo.png", PNG)
    params = {"session_id": session.pk, "filename": "photo.png"}
    assert member_client.get("/image", params).status_code == 404
    assert anonymous.get("/image", params).status_code == 401
    # even with a file of the same name under the other user's own folder
    _write(SessionFactory(user=member, id=session.pk + "x"), "images", "photo.png", PNG)
    assert member_client.get("/image", params).status_code == 404


# --- PUT /image -------------------------------------------------------------------------------------------


def _upload(client, session_id, name="photo.png", content=PNG, content_type="image/png"):
    return client.put(
        "/image",
        {"datetime": "x", "session_id": session_id, "file": SimpleUploadedFile(name, content, content_type)},
        format="multipart",
    )


def test_it_stores_an_uploaded_image_without_overwriting(session, owner):
    client = client_for(owner)
    first = _upload(client, session.pk, name="my photo.png")
    second = _upload(client, session.pk, name="my photo.png")
    assert (first.status_code, first.json()) == (200, {"filename": "my_photo.png"})
    assert second.json() == {"filename": "my_photo_1.png"}
    folder = session_dir(owner.pk, session.pk) / "images"
    assert sorted(p.name for p in folder.iterdir()) == ["my_photo.png", "my_photo_1.png"]
    served = client.get("/image", {"session_id": session.pk, "filename": "my_photo_1.png"})
    assert _body(served) == PNG


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("notes.txt", b"hello", "file: image type not accepted (allowed: .gif, .jpeg, .jpg, .png, .webp)"),
        ("fake.png", b"hello, not a png", "file: the file's content is not a png image"),
    ],
)
def test_it_answers_400_to_a_wrong_type(session, owner, name, content, error):
    response = _upload(client_for(owner), session.pk, name=name, content=content)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not (session_dir(owner.pk, session.pk) / "images").exists()


def test_it_answers_413_to_a_too_large_image(session, owner, monkeypatch):
    monkeypatch.setattr(files, "MAX_IMAGE_BYTES", len(PNG) - 1)
    response = _upload(client_for(owner), session.pk)
    assert response.status_code == 413
    assert list(response.json()) == ["error"]
    assert response.json()["error"].startswith("file: image too large")
    assert not (session_dir(owner.pk, session.pk) / "images").exists()


def test_it_refuses_uploads_into_another_users_session(session, owner, member_client, anonymous):
    assert _upload(member_client, session.pk).status_code == 404
    assert _upload(anonymous, session.pk).status_code == 401
    assert not (session_dir(owner.pk, session.pk) / "images").exists()


def test_it_lets_an_admin_upload_into_their_own_session(session, admin, admin_client):
    own = SessionFactory(user=admin)
    assert _upload(admin_client, own.pk).json() == {"filename": "photo.png"}
    assert _upload(admin_client, session.pk).status_code == 404
