"""Unrouted WebSocket paths and malformed session ids close cleanly with 4404 (they answered an HTTP
500 or closed 1011); a frame that is not usable JSON answers an error event (issue 13)."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from apps.accounts.tokens import issue_token
from mojodex.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path",
    [
        "/ws/session/0123456789abcdef0123456789abcdef\x00/",
        "/ws/session/" + "a" * 200 + "/",
        "/ws/session/é/",
        "/ws/nowhere/",
        "/not-a-socket",
    ],
)
async def test_it_closes_4404_on_an_unknown_path_or_a_malformed_session_id(owner, path):
    communicator = WebsocketCommunicator(application, f"{path}?token={issue_token(owner.pk)}")

    connected, _ = await communicator.connect()

    assert connected
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("[" * 1000 + "]" * 1000, "invalid JSON (JSON nested deeper than 32 levels)"),
        ("{oops", "invalid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ('{"event": "echo", "data": {"text": "a\\u0000b"}}', "invalid JSON (text contains a NUL byte)"),
    ],
)
async def test_it_answers_an_error_event_to_an_unusable_frame_and_stays_open(owner, frame, error):
    communicator = WebsocketCommunicator(application, f"/ws/echo/?token={issue_token(owner.pk)}")
    connected, _ = await communicator.connect()
    assert connected

    await communicator.send_to(text_data=frame)

    assert await communicator.receive_json_from(timeout=5) == {"event": "error", "data": {"error": error}}
    await communicator.send_json_to({"event": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"event": "pong", "data": {}}
    await communicator.disconnect()
