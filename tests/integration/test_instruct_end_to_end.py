"""An instruct task end to end with real parts: daphne, a Celery worker, Redis, Postgres, and the
real OpenAI client streaming from the fake OpenAI-compatible server.

Start an execution from its form, watch tokens and the draft arrive on the socket, ack, chat a
correction, disconnect before the ack and get the new draft on reconnect; another user is refused.
"""

from __future__ import annotations

import itertools
import json
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from apps.accounts.tokens import issue_token
from apps.chat.models import Generation, Message
from apps.executions.models import ProducedTextVersion
from bench.fake_openai_server import FakeOpenAIServer, ScriptedReply
from tests.factories import ExecutionFactory
from tests.processes import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LANG = "<user_language>en</user_language>"
FIRST = LANG + "<execution><title>March review</title><draft>Budget approved. Next review in March.</draft></execution>"
SECOND = LANG + (
    "<execution><title>March review</title>"
    "<draft>Budget approved unanimously. Next review in March.</draft></execution>"
)


@pytest.fixture
def fake_server():
    server = FakeOpenAIServer(tokens_per_second=200).start()
    yield server
    server.stop()


@pytest.fixture
def worker_env(fake_server, tmp_path):
    conf = tmp_path / "models.json"
    conf.write_text(
        json.dumps(
            {
                "openai/gpt-4o": {"OPENAI_API_KEY": "test", "base_url": fake_server.base_url},
                "openai/gpt-4o-mini": {"OPENAI_API_KEY": "test", "base_url": fake_server.base_url},
            }
        )
    )
    return {"MOJODEX_MODELS_CONF": str(conf)}


def _events_until(ws, event_name: str, timeout: float = 30) -> list[dict]:
    received = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        received.append(message)
        if message["event"] == event_name:
            return received
    raise AssertionError(f"no {event_name} within {timeout}s; got {[m['event'] for m in received]}")


def test_it_runs_an_instruct_task_live_over_the_socket(
    daphne_server, celery_worker_process, fake_server, owner, member
):
    execution = ExecutionFactory(user_task__user=owner)
    token = issue_token(owner.pk)
    ws_url = daphne_server.replace("http", "ws") + f"/ws/session/{execution.session_id}/?token={token}"
    http = httpx.Client(base_url=daphne_server, headers={"Authorization": token}, timeout=10)
    fake_server.script(ScriptedReply(text=FIRST, model="gpt-4o"))

    with connect(ws_url, open_timeout=10) as ws:
        response = http.post(
            "/user_task_execution_run",
            data={
                "user_task_execution_pk": execution.pk,
                "inputs": json.dumps([{"input_name": "notes", "input_value": "Budget approved, review in March"}]),
            },
        )
        assert response.status_code == 200, response.text
        received = _events_until(ws, "draft_message")

    tokens = [m["data"]["text"] for m in received if m["event"] == "draft_token"]
    assert len(tokens) >= 3
    assert tokens[-1] == "March review\nBudget approved. Next review in March."
    assert all(len(b) >= len(a) for a, b in itertools.pairwise(tokens))
    draft = received[-1]
    version = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution)
    assert draft["data"]["produced_text"] == "Budget approved. Next review in March."
    assert draft["data"]["produced_text_version_pk"] == version.pk
    start = next(m for m in received if m["event"] == "user_task_execution_start")
    assert draft["seq"] > start["seq"]
    # the real client streamed from the fake server: the request was a streaming chat completion
    chat_requests = fake_server.requests_for("chat")
    assert chat_requests[0].json["stream"] is True and chat_requests[0].model == "gpt-4o"

    # ack the draft: stored in the database
    with connect(ws_url + f"&last_seq={draft['seq']}", open_timeout=10) as ws:
        replayed = json.loads(ws.recv(timeout=10))
        assert replayed["seq"] == draft["seq"]  # not acknowledged yet: re-sent on reconnect
        ws.send(json.dumps({"event": "ack", "data": {"message_pk": draft["data"]["message_pk"]}}))
        ws.send(json.dumps({"event": "ping"}))
        while json.loads(ws.recv(timeout=10))["event"] != "pong":
            pass
    wait_for(
        lambda: Message.objects.get(pk=draft["data"]["message_pk"]).read_by_user is not None,
        timeout=10,
        message="the ack stored",
    )
    version.refresh_from_db()
    assert version.read_by_user is not None

    # chat a correction, disconnect before the answer, reconnect with last_seq and get it
    fake_server.script(ScriptedReply(text=SECOND, model="gpt-4o"))
    response = http.put(
        "/user_message",
        data={
            "session_id": execution.session_id,
            "message_id": "fix-1",
            "message_date": "2026-11-24T10:00:00Z",
            "text": "Say it was unanimous",
            "user_task_execution_pk": execution.pk,
        },
    )
    assert response.status_code == 200, response.text
    user_message_pk = response.json()["message_pk"]
    wait_for(
        lambda: Generation.objects.get(user_message_id=user_message_pk).status == "done",
        timeout=30,
        message="the correction to be generated",
    )
    with connect(ws_url + f"&last_seq={draft['seq']}", open_timeout=10) as ws:
        missed = _events_until(ws, "draft_message", timeout=10)
    assert [m["event"] for m in missed if "seq" in m][-1] == "draft_message"
    assert missed[-1]["data"]["produced_text"] == "Budget approved unanimously. Next review in March."
    assert [
        v.production
        for v in ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).order_by("id")
    ] == ["Budget approved. Next review in March.", "Budget approved unanimously. Next review in March."]

    # another user can touch neither the socket nor the session
    intruder_ws = (
        daphne_server.replace("http", "ws") + f"/ws/session/{execution.session_id}/?token={issue_token(member.pk)}"
    )
    with connect(intruder_ws, open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["event"] == "error"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    refused = httpx.put(
        f"{daphne_server}/user_message",
        headers={"Authorization": issue_token(member.pk)},
        data={
            "session_id": execution.session_id,
            "message_id": "evil",
            "message_date": "2026-11-24T10:00:00Z",
            "text": "hi",
        },
    )
    assert refused.status_code == 404
    assert not Message.objects.filter(message__message_id="evil").exists()
