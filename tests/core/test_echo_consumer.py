"""The authenticated echo WebSocket: token auth, close codes, round trip through the channel layer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from channels.testing import WebsocketCommunicator

from apps.accounts.tokens import issue_token
from mojodex.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(path: str, headers=None) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(application, path, headers=headers or [])
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_it_echoes_through_the_channel_layer_for_a_valid_token(owner):
    communicator, connected = await _connect(f"/ws/echo/?token={issue_token(owner.pk)}")
    assert connected
    await communicator.send_json_to({"event": "echo", "data": {"text": "héllo"}})
    assert await communicator.receive_json_from(timeout=5) == {
        "event": "echo",
        "data": {"text": "héllo", "user_id": owner.pk},
    }
    await communicator.send_json_to({"event": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"event": "pong", "data": {}}
    await communicator.disconnect()


async def test_it_accepts_the_token_in_the_authorization_header(owner):
    headers = [(b"authorization", issue_token(owner.pk).encode())]
    communicator, connected = await _connect("/ws/echo/", headers)
    assert connected
    await communicator.send_json_to({"event": "ping"})
    assert (await communicator.receive_json_from(timeout=5))["event"] == "pong"
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("token_kind", "message"),
    [
        ("missing", "Missing token"),
        ("expired", "Expired token"),
        ("garbage", "Invalid token"),
        ("unknown_user", "Invalid token"),
    ],
)
async def test_it_closes_4401_without_a_usable_token(owner, token_kind, message):
    token = {
        "missing": "",
        "expired": issue_token(owner.pk, now=datetime.now(UTC) - timedelta(days=181)),
        "garbage": "not-a-jwt",
        "unknown_user": issue_token("0" * 32),
    }[token_kind]
    communicator, _ = await _connect(f"/ws/echo/?token={token}")
    assert await communicator.receive_json_from(timeout=5) == {"event": "error", "data": {"error": message}}
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_it_answers_bad_input_with_an_error_event(owner):
    communicator, _ = await _connect(f"/ws/echo/?token={issue_token(owner.pk)}")
    await communicator.send_json_to({"event": "echo", "data": {"text": 5}})
    assert await communicator.receive_json_from(timeout=5) == {
        "event": "error",
        "data": {"error": "data.text must be a string"},
    }
    await communicator.send_json_to({"event": "nope"})
    assert (await communicator.receive_json_from(timeout=5))["data"]["error"] == "unknown event 'nope'"
    await communicator.disconnect()
