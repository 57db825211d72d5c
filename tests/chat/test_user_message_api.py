"""PUT /user_message: stores the message, queues one answer after commit; retries start nothing twice."""

from __future__ import annotations

import re

import pytest

from apps.chat.models import Generation, Message, SessionEvent
from tests.audio_samples import encode
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DATE = "2026-11-24T10:15:00+01:00"


def _put(client, **fields):
    return client.put("/user_message", fields, format="multipart")


def test_it_stores_the_message_and_queues_the_reply_after_commit(execution, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _put(
            client_for(owner),
            session_id=execution.session_id,
            message_id="client-1",
            message_date=DATE,
            text="Here are my notes",
            user_task_execution_pk=execution.pk,
        )
    assert response.status_code == 200, response.content
    message = Message.objects.get(session_id=execution.session_id, sender="user")
    assert response.json() == {
        "message_id": "client-1",
        "text": "Here are my notes",
        "user_task_execution_pk": execution.pk,
        "message_pk": message.pk,
    }
    assert message.message_date.isoformat() == "2026-11-24T09:15:00+00:00"
    generation = Generation.objects.get(user_message=message)
    assert (generation.kind, generation.status, generation.options["platform"]) == ("reply", "pending", "webapp")
    assert len(callbacks) == 3  # two events (reception, execution start) and the Celery enqueue
    assert list(SessionEvent.objects.filter(session_id=execution.session_id).values_list("event", flat=True)) == [
        "user_message_reception",
        "user_task_execution_start",
    ]
    execution.refresh_from_db()
    assert execution.start_date is not None


def test_it_returns_the_same_message_on_a_retry_and_starts_nothing_twice(execution, owner):
    client = client_for(owner)
    fields = {"session_id": execution.session_id, "message_id": "client-2", "message_date": DATE, "text": "Hi"}
    first = _put(client, **fields)
    second = _put(client, **fields)
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Message.objects.filter(session_id=execution.session_id).count() == 1
    assert Generation.objects.filter(session_id=execution.session_id).count() == 1


def test_it_answers_404_for_another_users_session_and_stores_nothing(execution, member):
    response = _put(client_for(member), session_id=execution.session_id, message_id="x", message_date=DATE, text="Hi")
    assert response.status_code == 404
    assert response.json() == {"error": "Session not found"}
    assert not Message.objects.filter(session_id=execution.session_id).exists()


def test_it_requires_a_token(execution, anonymous):
    response = _put(anonymous, session_id=execution.session_id, message_id="x", message_date=DATE, text="Hi")
    assert response.status_code == 401
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"message_id": "x", "message_date": DATE}, "text: send either text or an audio file"),
        ({"message_id": "x", "message_date": "yesterday", "text": "Hi"}, "message_date: must be an ISO 8601 date-time"),
        ({"message_date": DATE, "text": "Hi"}, "message_id: This field is required."),
        (
            {"message_id": "x", "message_date": DATE, "text": "Hi", "platform": "fax"},
            'platform: "fax" is not a valid choice.',
        ),
        (
            {"message_id": "x", "message_date": DATE, "text": "Hi", "user_task_execution_pk": "abc"},
            "user_task_execution_pk: A valid integer is required.",
        ),
    ],
)
def test_it_rejects_bad_input_naming_the_field(execution, owner, fields, error):
    response = _put(client_for(owner), session_id=execution.session_id, **fields)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not Message.objects.exists()


def test_it_rejects_an_execution_of_another_session(execution, owner):
    from tests.factories import ExecutionFactory

    elsewhere = ExecutionFactory(user_task__user=owner)
    response = _put(
        client_for(owner),
        session_id=execution.session_id,
        message_id="x",
        message_date=DATE,
        text="Hi",
        user_task_execution_pk=elsewhere.pk,
    )
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_it_stores_a_voice_message_for_the_worker_to_transcribe(execution, owner, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_DIR = tmp_path
    recording = encode(1, "ipod", "aac")
    audio = SimpleUploadedFile("note.m4a", recording, content_type="audio/mp4")
    response = _put(
        client_for(owner), session_id=execution.session_id, message_id="voice-1", message_date=DATE, file=audio
    )
    assert response.status_code == 200
    name = response.json()["audio_file"]
    assert re.fullmatch(r"voice-1_[0-9a-f]{12}\.m4a", name)
    assert "text" not in response.json()
    stored = tmp_path / "users" / owner.pk / execution.session_id / "user_messages_audios" / name
    assert stored.read_bytes() == recording
    bad = SimpleUploadedFile("note.exe", b"MZ", content_type="application/octet-stream")
    response = _put(
        client_for(owner), session_id=execution.session_id, message_id="voice-2", message_date=DATE, file=bad
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("file: audio type not accepted")
