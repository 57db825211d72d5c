"""write_poem end to end with real parts: daphne, a Celery worker (2 processes), Redis, Postgres.

Start from the form, watch each step start and end on the session WebSocket, validate the plan,
see both stanzas (run in parallel) arrive, edit one, validate both, get the poem.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from websockets.sync.client import connect

from apps.accounts.tokens import issue_token
from apps.workflows.models import UserWorkflowStepExecutionResult
from tests.workflows.conftest import new_execution, poem_task

pytestmark = [pytest.mark.integration, pytest.mark.slow]

WORKFLOW_EVENTS = {
    "workflow_step_execution_started",
    "workflow_step_execution_ended",
    "workflow_step_execution_invalidated",
    "workflow_execution_produced_text",
}


def _workflow_events(ws, count: int, timeout: float = 60) -> list[dict]:
    """The next ``count`` workflow events (other events, like the title, are skipped)."""
    received: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(received) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"only {[m['event'] for m in received]} within {timeout}s")
        message = json.loads(ws.recv(timeout=remaining))
        if message["event"] in WORKFLOW_EVENTS:
            received.append(message)
    return received


def test_it_runs_the_poem_workflow_over_the_socket(daphne_server, celery_worker_process, owner):
    execution = new_execution(owner, poem_task())
    token = issue_token(owner.pk)
    http = httpx.Client(base_url=daphne_server, headers={"Authorization": token}, timeout=10)
    ws_url = daphne_server.replace("http", "ws") + f"/ws/session/{execution.session_id}/?token={token}"

    with connect(ws_url, open_timeout=10) as ws:
        response = http.post(
            "/user_task_execution_run",
            data={
                "user_task_execution_pk": execution.pk,
                "inputs": json.dumps(
                    [
                        {"input_name": "poem_topic", "input_value": "the harbour"},
                        {"input_name": "n_stanzas", "input_value": "2"},
                    ]
                ),
            },
        )
        assert response.status_code == 200, response.text

        started, ended = _workflow_events(ws, 2)
        assert (started["event"], ended["event"]) == (
            "workflow_step_execution_started",
            "workflow_step_execution_ended",
        )
        assert started["data"]["result"] is None and started["data"]["status"] == "running"
        divider = ended["data"]
        assert divider["result"] == [
            {"stanza_topic": "the harbour, part 1"},
            {"stanza_topic": "the harbour, part 2"},
        ]
        assert (divider["validated"], divider["session_id"], ended["seq"] > started["seq"]) == (
            None,
            execution.session_id,
            True,
        )

        validated = http.post(
            "/user_workflow_step_execution",
            json={"user_workflow_step_execution_pk": divider["user_workflow_step_execution_pk"], "validated": True},
        )
        assert validated.json() == {"message": "Step validated"}

        stanza_events = _workflow_events(ws, 4)
        by_item: dict[int, list[str]] = {0: [], 1: []}
        for message in stanza_events:
            by_item[message["data"]["item_index"]].append(message["event"])
        assert by_item == {
            0: ["workflow_step_execution_started", "workflow_step_execution_ended"],
            1: ["workflow_step_execution_started", "workflow_step_execution_ended"],
        }
        stanzas = {m["data"]["item_index"]: m["data"] for m in stanza_events if m["event"].endswith("_ended")}
        assert stanzas[1]["parameter"] == {"stanza_topic": "the harbour, part 2"}
        assert stanzas[0]["result"][0]["stanza"].startswith("Of the harbour, part 1 I sing,")

        edited = http.put(
            "/user_workflow_step_execution_result",
            json={
                "user_workflow_step_execution_pk": stanzas[1]["user_workflow_step_execution_pk"],
                "result": [{"stanza": "The boats come home at night."}],
            },
        )
        assert edited.status_code == 200, edited.text
        for item in (1, 0):
            response = http.post(
                "/user_workflow_step_execution",
                json={
                    "user_workflow_step_execution_pk": stanzas[item]["user_workflow_step_execution_pk"],
                    "validated": True,
                },
            )
            assert response.status_code == 200, response.text

        (produced,) = _workflow_events(ws, 1)

    assert produced["event"] == "workflow_execution_produced_text"
    assert produced["data"]["produced_text"] == (
        stanzas[0]["result"][0]["stanza"] + "\n\nThe boats come home at night."
    )
    assert produced["data"]["user_task_execution_pk"] == execution.pk
    assert (
        UserWorkflowStepExecutionResult.objects.filter(
            user_workflow_step_execution__user_task_execution=execution
        ).count()
        == 4
    )  # divider, two stanzas, one edit
