"""Editing a step's result, restarting from the first step, and the order of a fan-out's results."""

from __future__ import annotations

import json

import pytest

from apps.executions.models import ProducedTextVersion
from apps.workflows import services
from apps.workflows.models import UserWorkflowStepExecution, UserWorkflowStepExecutionResult
from tests.conftest import client_for
from tests.workflows.conftest import (
    events,
    last_seq,
    new_execution,
    pending,
    poem_task,
    run_pending,
    start,
    step_rows,
)

pytestmark = pytest.mark.django_db


def _edit(client, pk, result):
    return client.put(
        "/user_workflow_step_execution_result",
        {"datetime": "2026-11-24T10:00:00", "user_workflow_step_execution_pk": pk, "result": result},
        format="json",
    )


def _restart(client, execution, topic, n="2"):
    return client.post(
        "/restart_user_workflow_execution",
        {
            "user_task_execution_pk": execution.pk,
            "inputs": json.dumps(
                [{"input_name": "poem_topic", "input_value": topic}, {"input_name": "n_stanzas", "input_value": n}]
            ),
        },
        format="multipart",
    )


def test_it_uses_the_users_edit_of_a_result_for_the_next_steps_and_the_final_text(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="snow", n_stanzas="3")
    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get()
    client = client_for(owner)

    edited = [{"stanza_topic": "first snow"}, {"stanza_topic": "last snow"}]
    response = _edit(client, divider.pk, edited)
    assert response.status_code == 200
    assert response.json() == {"new_result": edited}
    assert list(divider.results.order_by("id").values_list("author", flat=True)) == ["assistant", "user"]

    services.validate(divider)
    assert [se.parameter for se in pending(execution)] == edited  # two stanzas now, not three
    run_pending(execution)
    writers = list(UserWorkflowStepExecution.objects.filter(workflow_step__rank=2).order_by("item_index"))
    assert _edit(client, writers[0].pk, [{"stanza": "White and quiet."}]).status_code == 200
    for writer in writers:
        services.validate(writer)
    assert ProducedTextVersion.objects.get().production.startswith("White and quiet.\n\nOf last snow I sing,")


@pytest.mark.parametrize(
    "result", [[], {"stanza": "x"}, ["x"], "text"], ids=["empty", "object", "list-of-strings", "string"]
)
def test_it_refuses_a_result_that_is_not_a_list_of_objects(owner, result):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="snow", n_stanzas="2")
    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get()
    response = _edit(client_for(owner), divider.pk, result)
    assert response.status_code == 400
    assert response.json() == {
        "error": "result: result must be a non-empty list of JSON objects",
        "fields": {"result": ["result must be a non-empty list of JSON objects"]},
    }
    assert UserWorkflowStepExecutionResult.objects.count() == 1


def test_it_restarts_from_the_first_step_with_new_inputs(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="snow", n_stanzas="2")
    run_pending(execution)
    first = UserWorkflowStepExecution.objects.get()
    seq = last_seq(execution)

    response = _restart(client_for(owner), execution, "the desert", "3")
    assert response.status_code == 200, response.content
    assert response.json() == {"message": "Workflow restarted"}
    execution.refresh_from_db()
    assert [item["value"] for item in execution.json_input_values] == ["the desert", "3"]
    assert step_rows(execution) == [("stanza_divider", 0, "done", False), ("stanza_divider", 0, "pending", None)]
    assert [(name, data["user_workflow_step_execution_pk"]) for name, data in events(execution, seq)] == [
        ("workflow_step_execution_invalidated", first.pk)
    ]
    run_pending(execution)
    latest = UserWorkflowStepExecution.objects.latest("id")
    assert latest.parameter == {"poem_topic": "the desert", "n_stanzas": "3"}
    assert [item["stanza_topic"] for item in latest.results.get().result] == [
        "the desert, part 1",
        "the desert, part 2",
        "the desert, part 3",
    ]


def test_it_cancels_a_first_step_that_had_not_run_when_restarted(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="snow", n_stanzas="2")
    services.restart(
        execution,
        [{"input_name": "poem_topic", "input_value": "ice"}, {"input_name": "n_stanzas", "input_value": "2"}],
    )
    run_pending(execution)
    assert step_rows(execution) == [("stanza_divider", 0, "cancelled", False), ("stanza_divider", 0, "done", None)]
    assert UserWorkflowStepExecutionResult.objects.count() == 1


def test_it_refuses_a_restart_past_the_first_step_with_409(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="snow", n_stanzas="2")
    run_pending(execution)
    services.validate(UserWorkflowStepExecution.objects.get())
    before = step_rows(execution)

    response = _restart(client_for(owner), execution, "the desert")
    assert response.status_code == 409
    assert response.json() == {"error": "can only restart from first step"}
    execution.refresh_from_db()
    assert execution.json_input_values[0]["value"] == "snow"
    assert step_rows(execution) == before


def test_it_answers_404_to_another_users_restart_and_400_for_an_instruct_task(owner, member):
    from tests.factories import ExecutionFactory

    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="snow", n_stanzas="2")
    assert _restart(client_for(member), execution, "mine").status_code == 404
    execution.refresh_from_db()
    assert execution.json_input_values[0]["value"] == "snow"

    instruct = ExecutionFactory(user_task__user=owner)
    response = client_for(owner).post(
        "/restart_user_workflow_execution",
        {"user_task_execution_pk": instruct.pk, "inputs": "[]"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Task is not a workflow"}


def test_it_keeps_the_fan_out_order_whatever_order_the_items_finish_in(owner, fake_llm):
    execution = new_execution(owner, poem_task())
    fake_llm("wind\nrain\nsun")
    start(execution, poem_topic="weather", n_stanzas="3")
    run_pending(execution)
    services.validate(UserWorkflowStepExecution.objects.get())
    seq = last_seq(execution)

    run_pending(execution, order="-id")  # the last item lands first
    ended = [data for name, data in events(execution, seq) if name == "workflow_step_execution_ended"]
    assert [(d["item_index"], d["parameter"]["stanza_topic"]) for d in ended] == [
        (2, "sun"),
        (1, "rain"),
        (0, "wind"),
    ]
    writers = list(UserWorkflowStepExecution.objects.filter(workflow_step__rank=2).order_by("item_index"))
    for writer in reversed(writers):
        services.validate(writer)
    production = ProducedTextVersion.objects.get().production
    assert [stanza.split(" I sing")[0] for stanza in production.split("\n\n")] == ["Of wind", "Of rain", "Of sun"]


def test_it_lets_the_user_review_an_item_while_the_others_still_run(owner, fake_llm):
    execution = new_execution(owner, poem_task())
    fake_llm("wind\nrain\nsun")
    start(execution, poem_topic="weather", n_stanzas="3")
    run_pending(execution)
    services.validate(UserWorkflowStepExecution.objects.get())
    items = pending(execution)

    from apps.workflows import runner

    runner.run_step(items[1].pk, "test-worker:1")  # only the middle item has landed
    services.validate(items[1])
    assert _edit(client_for(owner), items[1].pk, [{"stanza": "Rain, edited."}]).status_code == 200
    assert step_rows(execution) == [
        ("stanza_divider", 0, "done", True),
        ("stanza_writer", 0, "pending", None),
        ("stanza_writer", 1, "done", True),
        ("stanza_writer", 2, "pending", None),
    ]
    assert not ProducedTextVersion.objects.exists()
    run_pending(execution)
    services.validate(items[0])
    services.validate(items[2])
    assert ProducedTextVersion.objects.get().production.split("\n\n")[1] == "Rain, edited."
