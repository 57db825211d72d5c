"""/ws/session/<id>/: owner only, replay after last_seq, acks stored, live events without duplicates."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.accounts.tokens import issue_token
from apps.chat import delivery, events
from apps.chat.models import Message, Sender, SessionEvent
from mojodex.asgi import application
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(user, session_id: str, last_seq: int | None = None) -> WebsocketCommunicator:
    query = f"?token={issue_token(user.pk)}" + (f"&last_seq={last_seq}" if last_seq is not None else "")
    communicator = WebsocketCommunicator(application, f"/ws/session/{session_id}/{query}")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@database_sync_to_async
def _session_with_message(owner):
    session = SessionFactory(user=owner)
    message = Message.objects.create(session=session, sender=Sender.MOJO, message={"text": "hello"})
    delivery.record_event(session.pk, events.USER_TASK_EXECUTION_TITLE, {"title": "T", "session_id": session.pk})
    delivery.record_event(
        session.pk, events.MOJO_MESSAGE, {"text": "hello", "message_pk": message.pk, "session_id": session.pk}
    )
    return owner, session, message


async def test_it_refuses_another_users_session_with_4403(owner, member):
    _, session, _ = await _session_with_message(owner)
    communicator = await _connect(member, session.pk)
    assert (await communicator.receive_json_from(timeout=5))["event"] == "error"
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_it_replays_after_last_seq_and_the_unacked_message(owner):
    owner, session, message = await _session_with_message(owner)

    fresh = await _connect(owner, session.pk)  # no last_seq: only what waits for an ack
    assert await fresh.receive_json_from(timeout=5) == {
        "event": "mojo_message",
        "data": {"text": "hello", "message_pk": message.pk, "session_id": session.pk},
        "seq": 2,
    }
    assert await fresh.receive_nothing(timeout=0.3)
    await fresh.disconnect()

    resumed = await _connect(owner, session.pk, last_seq=0)
    assert [(await resumed.receive_json_from(timeout=5))["seq"] for _ in range(2)] == [1, 2]
    await resumed.disconnect()


async def test_it_stores_an_ack_and_stops_replaying_the_message(owner):
    owner, session, message = await _session_with_message(owner)
    communicator = await _connect(owner, session.pk)
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"event": "ack", "data": {"message_pk": message.pk}})
    await communicator.send_json_to({"event": "ping"})  # processed after the ack: a barrier
    assert await communicator.receive_json_from(timeout=5) == {"event": "pong", "data": {}}
    await communicator.send_json_to({"event": "ack", "data": {"message_pk": message.pk}})  # duplicate: harmless
    await communicator.disconnect()

    stored = await database_sync_to_async(lambda: Message.objects.get(pk=message.pk).read_by_user)()
    acked = await database_sync_to_async(
        lambda: SessionEvent.objects.get(session_id=session.pk, event="mojo_message").acked_at
    )()
    assert stored is not None and acked is not None
    again = await _connect(owner, session.pk)
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()


async def test_it_forwards_live_events_and_the_partial_text_of_a_running_generation(owner):
    owner, session, _ = await _session_with_message(owner)
    await database_sync_to_async(delivery.publish_token)(
        session.pk,
        events.DRAFT_TOKEN,
        {"produced_text_title": "T", "produced_text": "Half", "text": "T\nHalf", "session_id": session.pk},
    )
    communicator = await _connect(owner, session.pk, last_seq=2)
    assert (await communicator.receive_json_from(timeout=5))["event"] == "mojo_message"  # still unacked
    partial = await communicator.receive_json_from(timeout=5)
    assert partial == {
        "event": "draft_token",
        "data": {"produced_text_title": "T", "produced_text": "Half", "text": "T\nHalf", "session_id": session.pk},
    }
    await database_sync_to_async(delivery.record_event)(
        session.pk, events.ERROR, {"error": "boom", "session_id": session.pk}
    )
    assert await communicator.receive_json_from(timeout=5) == {
        "event": "error",
        "data": {"error": "boom", "session_id": session.pk},
        "seq": 3,
    }
    await communicator.send_json_to({"event": "ack", "data": {}})
    assert (await communicator.receive_json_from(timeout=5))["data"]["error"].startswith("ack needs")
    await communicator.disconnect()


async def test_it_replays_from_postgres_after_redis_lost_everything(settings, owner):
    import redis

    owner, session, message = await _session_with_message(owner)
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()  # the live wire forgets everything; the event log does not
    client.close()
    communicator = await _connect(owner, session.pk, last_seq=0)
    replayed = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert [(m["seq"], m["event"]) for m in replayed] == [(1, "user_task_execution_title"), (2, "mojo_message")]
    assert replayed[1]["data"]["message_pk"] == message.pk
    await communicator.disconnect()
