"""A WebSocket connects through daphne (the production server), authenticated by token."""

from __future__ import annotations

import json

import pytest
from websockets.sync.client import connect

from apps.accounts.tokens import issue_token

pytestmark = [pytest.mark.integration]


def test_it_echoes_over_a_real_socket(daphne_server, owner):
    url = daphne_server.replace("http", "ws") + f"/ws/echo/?token={issue_token(owner.pk)}"
    with connect(url, open_timeout=10) as ws:
        ws.send(json.dumps({"event": "echo", "data": {"text": "through daphne"}}))
        assert json.loads(ws.recv(timeout=10)) == {
            "event": "echo",
            "data": {"text": "through daphne", "user_id": owner.pk},
        }


def test_it_closes_an_anonymous_socket_with_4401(daphne_server):
    from websockets.exceptions import ConnectionClosed

    with connect(daphne_server.replace("http", "ws") + "/ws/echo/", open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["data"]["error"] == "Missing token"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
