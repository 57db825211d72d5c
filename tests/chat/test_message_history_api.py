"""GET /message: pages of a session's messages, audio flags, read marks (no N+1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.chat import delivery
from apps.chat.models import Message, SessionEvent
from apps.core.user_files import session_dir
from apps.executions import services as executions
from apps.executions.models import ProducedTextVersion
from tests.conftest import client_for
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def conversation(execution, owner, settings, tmp_path):
    """user text, assistant draft (with a version and an unacked event), assistant error (no text),
    user voice message still being transcribed (no text, with its audio file), assistant speech."""
    settings.DATA_DIR = tmp_path
    session = execution.session
    version = executions.save_produced_text_version(
        user_id=owner.pk, title="Minutes", production="Budget approved", execution=execution
    )

    def at(minutes, **fields):
        return MessageFactory(session=session, message_date=T0 + timedelta(minutes=minutes), **fields)

    first = at(0, message={"text": "My notes", "message_id": "c1", "user_task_execution_pk": execution.pk})
    draft = at(
        1,
        sender="mojo",
        event_name="draft_message",
        message={"text": "Minutes\nBudget approved", "produced_text_version_pk": version.pk},
    )
    delivery.record_event(session.pk, "draft_message", {"produced_text_version_pk": version.pk, "text": "x"})
    at(2, sender="mojo", event_name="error", message={"error": "boom"})
    voice = at(3, message={"message_id": "c2", "audio_file": "c2.m4a"})
    spoken = at(4, sender="mojo", event_name="mojo_message", message={"text": "Anything else?"})
    base = session_dir(owner.pk, session.pk)
    (base / "user_messages_audios").mkdir(parents=True)
    (base / "user_messages_audios" / "c2.m4a").write_bytes(b"m4a")
    (base / "mojo_messages_audios").mkdir(parents=True)
    (base / "mojo_messages_audios" / f"{spoken.pk}.mp3").write_bytes(b"mp3")
    return {"session": session, "version": version, "first": first, "draft": draft, "voice": voice, "spoken": spoken}


def _item(message, *, audio=False):
    message.refresh_from_db()
    return {
        "message_pk": message.pk,
        "sender": message.sender,
        "message": message.message,
        "audio": audio,
        "in_error_state": False,
    }


def test_it_returns_displayable_messages_newest_first_with_audio_flags(conversation, owner):
    c = conversation
    response = client_for(owner).get("/message", {"datetime": "x", "session_id": c["session"].pk})
    assert response.status_code == 200
    assert response.json() == {
        "messages": [
            _item(c["spoken"], audio=True),
            _item(c["voice"], audio=True),
            _item(c["draft"]),
            _item(c["first"]),
        ]
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"n_messages": 2, "offset": 1}, ["voice", "draft"]),
        ({"offset_direction": "newer", "n_messages": 2}, ["draft", "first"]),
        ({"offset_direction": "newer", "n_messages": 2, "offset": 2}, ["spoken", "voice"]),
        ({"n_messages": 500}, ["spoken", "voice", "draft", "first"]),
    ],
)
def test_it_pages_in_both_directions(conversation, owner, params, expected):
    response = client_for(owner).get("/message", {"session_id": conversation["session"].pk, **params})
    assert [m["message_pk"] for m in response.json()["messages"]] == [conversation[k].pk for k in expected]


def test_it_filters_by_execution(conversation, owner, execution):
    response = client_for(owner).get(
        "/message", {"session_id": conversation["session"].pk, "user_task_execution_pk": execution.pk}
    )
    assert [m["message_pk"] for m in response.json()["messages"]] == [conversation["first"].pk]


def test_it_marks_the_returned_messages_and_their_versions_read(conversation, owner):
    c = conversation
    client_for(owner).get("/message", {"session_id": c["session"].pk, "n_messages": 1, "offset": 2})
    read = set(Message.objects.filter(read_by_user__isnull=False).values_list("pk", flat=True))
    assert read == {c["draft"].pk}
    assert ProducedTextVersion.objects.get(pk=c["version"].pk).read_by_user is not None
    event = SessionEvent.objects.get(session_id=c["session"].pk, event="draft_message")
    assert event.acked_at is not None  # no more re-sends of what the user has seen


def test_it_reads_a_page_in_the_same_number_of_queries_whatever_its_size(execution, owner, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    session = execution.session

    def add(n):
        for _ in range(n):
            version = executions.save_produced_text_version(
                user_id=owner.pk, title="T", production="P", execution=execution
            )
            MessageFactory(
                session=session, sender="mojo", message={"text": "d", "produced_text_version_pk": version.pk}
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client_for(owner).get("/message", {"session_id": session.pk})
        return len(queries.captured_queries), len(response.json()["messages"])

    add(1)
    one = count()
    add(9)
    ten = count()
    assert (one[1], ten[1]) == (1, 10)
    assert one[0] == ten[0]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"offset_direction": "sideways"}, 'offset_direction: "sideways" is not a valid choice.'),
        ({"n_messages": "x"}, "n_messages: A valid integer is required."),
        ({"user_task_execution_pk": "x"}, "user_task_execution_pk: A valid integer is required."),
    ],
)
def test_it_answers_400_naming_a_bad_parameter(conversation, owner, params, error):
    response = client_for(owner).get("/message", {"session_id": conversation["session"].pk, **params})
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_it_answers_400_without_a_session(owner):
    response = client_for(owner).get("/message")
    assert response.status_code == 400
    assert response.json()["error"] == "session_id: This field is required."


def test_it_hides_another_users_messages_and_marks_nothing(conversation, member_client, anonymous):
    session_id = conversation["session"].pk
    response = member_client.get("/message", {"session_id": session_id})
    assert response.status_code == 404
    assert response.json() == {"error": "session_id: not found"}
    assert anonymous.get("/message", {"session_id": session_id}).status_code == 401
    assert not Message.objects.filter(read_by_user__isnull=False).exists()
    assert ProducedTextVersion.objects.get(pk=conversation["version"].pk).read_by_user is None


def test_it_serves_an_admin_their_own_messages_only(conversation, admin, admin_client):
    from tests.factories import SessionFactory

    own = MessageFactory(session=SessionFactory(user=admin), message={"text": "hi"})
    response = admin_client.get("/message", {"session_id": own.session_id})
    assert [m["message_pk"] for m in response.json()["messages"]] == [own.pk]
    assert admin_client.get("/message", {"session_id": conversation["session"].pk}).status_code == 404
